-- Identity: kpi_ticket_backlog_flow_monthly.closing_unresolved_tickets = the scorecard's
-- tickets_unresolved_end_of_month (built by running sums of int_kpi__ticket_backlog_changes), and
-- created_tickets = the scorecard's tickets_created, for every scorecard month. A scorecard month
-- missing from the flow table fails too. Counts stored as double in the scorecard are exact
-- integers (< 2^53), so they are compared exactly.
{{ config(severity='error') }}
with

scorecard as (

    select
        month,
        kpi_id,
        numerator
    from {{ ref('kpi_scorecard_monthly') }}
    where kpi_id in ('tickets_unresolved_end_of_month', 'tickets_created')

),

flow as (

    select
        month,
        'tickets_unresolved_end_of_month' as kpi_id,
        closing_unresolved_tickets as flow_value
    from {{ ref('kpi_ticket_backlog_flow_monthly') }}

    union all

    select
        month,
        'tickets_created' as kpi_id,
        created_tickets as flow_value
    from {{ ref('kpi_ticket_backlog_flow_monthly') }}

)

select
    scorecard.month,
    scorecard.kpi_id,
    scorecard.numerator,
    flow.flow_value
from scorecard
left join flow on scorecard.month = flow.month and scorecard.kpi_id = flow.kpi_id
where flow.flow_value is null or scorecard.numerator is distinct from cast(flow.flow_value as double)
