-- Scorecard family "costs" in long form: cost_per_ticket = operating costs of m (reporting
-- currency) / tickets created in m, for every month with operating costs (value null when no
-- ticket was created). Its benchmark (20 USD, guide 002) is converted to the reporting currency
-- in mart kpi_benchmarks.
with

costs as (

    select
        month,
        operating_costs_reporting,
        tickets_created
    from {{ ref('int_costs__monthly') }}

)

select
    month,
    'cost_per_ticket' as kpi_id,
    cast(operating_costs_reporting as double) as numerator,
    cast(tickets_created as double) as denominator,
    cast(case
        when tickets_created <> 0 then operating_costs_reporting / tickets_created
    end as double) as value
from costs
