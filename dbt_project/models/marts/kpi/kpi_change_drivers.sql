-- What moved each ratio KPI from one month to the next: the month-over-month change of a KPI of
-- the registry decomposed by the dimensions its semantic model names in meta.change_drivers
-- (channel, priority, queue, segment, network), for the KPI-months whose change is at least
-- var change_driver_min_change_pct percent of the previous value. With shares w = group
-- denominator / total denominator and rates r = group numerator / group denominator (x 100 for a
-- percentage), the KPI is the sum of the groups' contributions c = group numerator / total
-- denominator, so the change is the sum over groups of effect = c(m) - c(m-1). Each effect splits
-- into a mix effect, (w(m) - w(m-1)) x (r(m-1) + r(m)) / 2 (the group's weight changed), and a
-- rate effect, the rest, which equals (r(m) - r(m-1)) x (w(m-1) + w(m)) / 2 (the group's own
-- figure changed). A group with a zero denominator in one of the two months is all mix. The
-- effects add up to the change (a data test); counts, and KPIs whose inputs come from several
-- semantic models or time dimensions, have no rows. The compiled SQL spells every KPI out.
-- The groups are int_scorecard__change_driver_groups (generated from the registry); the values
-- decomposed are the scorecard's (int_scorecard__registry), so the model is the same in any row
-- order.
with

groups as (

    select * from {{ ref('int_scorecard__change_driver_groups') }}

),

-- The KPI's own numerator, denominator and value per month are the scorecard's (exact parts, the
-- same in any row order), not a sum of the groups' doubles.
scorecard as (

    select
        month,
        kpi_id,
        denominator,
        value
    from {{ ref('int_scorecard__registry') }}

),

decomposed as (

    select distinct
        kpi_id,
        dimension,
        multiplier
    from groups

),

totals as (

    select
        scorecard.month,
        decomposed.kpi_id,
        decomposed.dimension,
        decomposed.multiplier,
        scorecard.denominator,
        scorecard.value
    from scorecard
    inner join decomposed on scorecard.kpi_id = decomposed.kpi_id

),

changes as (

    select
        current_month.month,
        current_month.kpi_id,
        current_month.dimension,
        current_month.multiplier,
        current_month.denominator as total_denominator,
        previous_month.denominator as previous_total_denominator,
        previous_month.value as previous_value,
        current_month.value
    from totals as current_month
    inner join totals as previous_month
        on
            current_month.kpi_id = previous_month.kpi_id
            and current_month.dimension = previous_month.dimension
            and previous_month.month = cast(current_month.month - interval 1 month as date)
    where current_month.denominator <> 0 and previous_month.denominator <> 0

),

notable_changes as (

    select *
    from changes
    where
        abs(value - previous_value)
        >= abs(previous_value) * {{ var('change_driver_min_change_pct', 5) }} / 100.0
        and value <> previous_value

),

group_keys as (

    select
        month,
        kpi_id,
        dimension,
        dimension_value
    from groups
    union
    select
        cast(month + interval 1 month as date) as month,
        kpi_id,
        dimension,
        dimension_value
    from groups

),

pairs as (

    select
        notable_changes.month,
        notable_changes.kpi_id,
        notable_changes.dimension,
        group_keys.dimension_value,
        notable_changes.multiplier,
        notable_changes.previous_value,
        notable_changes.value,
        coalesce(previous_group.numerator, 0) / notable_changes.previous_total_denominator
            as previous_contribution,
        coalesce(current_group.numerator, 0) / notable_changes.total_denominator as contribution,
        coalesce(previous_group.denominator, 0) / notable_changes.previous_total_denominator
            as previous_share,
        coalesce(current_group.denominator, 0) / notable_changes.total_denominator as share,
        case
            when previous_group.denominator <> 0 then previous_group.numerator / previous_group.denominator
        end as previous_rate,
        case
            when current_group.denominator <> 0 then current_group.numerator / current_group.denominator
        end as rate
    from notable_changes
    inner join group_keys
        on
            notable_changes.month = group_keys.month
            and notable_changes.kpi_id = group_keys.kpi_id
            and notable_changes.dimension = group_keys.dimension
    left join groups as current_group
        on
            group_keys.month = current_group.month
            and group_keys.kpi_id = current_group.kpi_id
            and group_keys.dimension = current_group.dimension
            and group_keys.dimension_value = current_group.dimension_value
    left join groups as previous_group
        on
            previous_group.month = cast(group_keys.month - interval 1 month as date)
            and group_keys.kpi_id = previous_group.kpi_id
            and group_keys.dimension = previous_group.dimension
            and group_keys.dimension_value = previous_group.dimension_value

),

effects as (

    select
        *,
        multiplier * (contribution - previous_contribution) as effect,
        case
            when previous_rate is not null and rate is not null
                then multiplier * (share - previous_share) * (previous_rate + rate) / 2
            else multiplier * (contribution - previous_contribution)
        end as mix_effect
    from pairs
    where previous_contribution <> 0 or contribution <> 0 or previous_share <> 0 or share <> 0

)

select
    month,
    kpi_id,
    dimension,
    dimension_value,
    previous_value,
    value,
    value - previous_value as change,
    previous_share,
    share,
    multiplier * previous_rate as previous_rate,
    multiplier * rate as rate,
    mix_effect,
    effect - mix_effect as rate_effect,
    effect
from effects
