-- kpi_change_drivers: for every KPI, month and dimension, the groups' mix and rate effects add up
-- to the KPI's change, each group's two effects to its effect, and the values it decomposes are
-- the scorecard's of the month and the month before. Within 1e-9 of the values' magnitude (the
-- parts are doubles; a month-over-month change of a KPI is never that small a part of it).
with

drivers as (

    select
        month,
        kpi_id,
        dimension,
        previous_value,
        value,
        change,
        mix_effect,
        rate_effect,
        effect
    from {{ ref('kpi_change_drivers') }}

),

scorecard as (

    select
        month,
        kpi_id,
        value
    from {{ ref('kpi_scorecard_monthly') }}

),

sums as (

    select
        month,
        kpi_id,
        dimension,
        min(previous_value) as previous_value,
        min(value) as value,
        min(change) as change,
        count(distinct value) as values_count,
        sum(mix_effect + rate_effect) as effects,
        max(abs(mix_effect + rate_effect - effect)) as split_error,
        greatest(1, max(abs(value)), max(abs(previous_value))) as magnitude
    from drivers
    group by all

)

select
    sums.month,
    sums.kpi_id,
    sums.dimension,
    sums.change,
    sums.effects,
    current_month.value as scorecard_value,
    previous_month.value as previous_scorecard_value
from sums
left join scorecard as current_month
    on sums.month = current_month.month and sums.kpi_id = current_month.kpi_id
left join scorecard as previous_month
    on
        previous_month.month = cast(sums.month - interval 1 month as date)
        and sums.kpi_id = previous_month.kpi_id
where
    sums.values_count <> 1
    or abs(sums.effects - sums.change) > 1e-9 * sums.magnitude
    or sums.split_error > 1e-9 * sums.magnitude
    or current_month.value is null
    or previous_month.value is null
    or abs(current_month.value - sums.value) > 1e-9 * sums.magnitude
    or abs(previous_month.value - sums.previous_value) > 1e-9 * sums.magnitude
