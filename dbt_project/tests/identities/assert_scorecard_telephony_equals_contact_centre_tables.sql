-- Identity: every telephony call KPI's numerator and denominator in kpi_scorecard_monthly equals
-- the same parts summed over kpi_contact_centre_daily (by call_month) and, separately, over
-- kpi_contact_centre_interval (by interval_month). Counts are integers; the seconds parts are
-- exact sums of whole milliseconds (macros/exact_sums.sql; waits may have fractions of a second),
-- so summing the detail rows' doubles back through exact_seconds_sum gives the scorecard's
-- double to the bit. Everything is compared exactly. Returns
-- (table, month, kpi_id) rows that differ.
{{ config(severity='error') }}
with

scorecard as (

    select
        month,
        kpi_id,
        numerator,
        denominator
    from {{ ref('kpi_scorecard_monthly') }}
    where kpi_id in (
        'calls_offered', 'average_speed_of_answer_seconds', 'service_level_pct',
        'abandoned_call_rate_pct', 'average_handle_time_seconds', 'average_wait_time_seconds',
        'blocked_calls', 'blocked_call_rate_pct'
    )

),

detail_rows as (

    select
        'kpi_contact_centre_daily' as table_name,
        call_month as month,
        offered_calls_count,
        answered_calls_count,
        abandoned_calls_count,
        short_abandoned_calls_count,
        blocked_calls_count,
        answered_within_service_level_count,
        answered_wait_seconds_sum,
        abandoned_wait_seconds_sum,
        handle_seconds_sum
    from {{ ref('kpi_contact_centre_daily') }}

    union all

    select
        'kpi_contact_centre_interval' as table_name,
        interval_month as month,
        offered_calls_count,
        answered_calls_count,
        abandoned_calls_count,
        short_abandoned_calls_count,
        blocked_calls_count,
        answered_within_service_level_count,
        answered_wait_seconds_sum,
        abandoned_wait_seconds_sum,
        handle_seconds_sum
    from {{ ref('kpi_contact_centre_interval') }}

),

detail_months as (

    select
        table_name,
        month,
        sum(offered_calls_count) as offered,
        sum(answered_calls_count) as answered,
        sum(abandoned_calls_count) as abandoned,
        sum(short_abandoned_calls_count) as short_abandoned,
        sum(blocked_calls_count) as blocked,
        sum(answered_within_service_level_count) as within_service_level,
        {{ exact_seconds_sum('answered_wait_seconds_sum') }} as answered_wait_seconds,
        {{ exact_seconds_sum('abandoned_wait_seconds_sum') }} as abandoned_wait_seconds,
        {{ exact_seconds_sum('handle_seconds_sum') }} as handle_seconds
    from detail_rows
    group by all

),

tables as (

    select 'kpi_contact_centre_daily' as table_name
    union all
    select 'kpi_contact_centre_interval' as table_name

),

expected as (

    select
        tables.table_name,
        scorecard.month,
        scorecard.kpi_id,
        scorecard.numerator,
        scorecard.denominator,
        case scorecard.kpi_id
            when 'calls_offered' then coalesce(d.offered, 0)
            when 'average_speed_of_answer_seconds' then coalesce(d.answered_wait_seconds, 0)
            when 'service_level_pct' then coalesce(d.within_service_level, 0)
            when 'abandoned_call_rate_pct' then coalesce(d.abandoned - d.short_abandoned, 0)
            when 'average_handle_time_seconds' then coalesce(d.handle_seconds, 0)
            when 'average_wait_time_seconds'
                then coalesce(d.answered_wait_seconds + d.abandoned_wait_seconds, 0)
            when 'blocked_calls' then coalesce(d.blocked, 0)
            when 'blocked_call_rate_pct' then coalesce(d.blocked, 0)
        end as detail_numerator,
        case scorecard.kpi_id
            when 'calls_offered' then null
            when 'average_speed_of_answer_seconds' then coalesce(d.answered, 0)
            when 'service_level_pct' then coalesce(d.answered + d.abandoned - d.short_abandoned, 0)
            when 'abandoned_call_rate_pct' then coalesce(d.offered - d.short_abandoned, 0)
            when 'average_handle_time_seconds' then coalesce(d.answered, 0)
            when 'average_wait_time_seconds' then coalesce(d.answered, 0)
            when 'blocked_calls' then null
            when 'blocked_call_rate_pct' then coalesce(d.offered + d.blocked, 0)
        end as detail_denominator
    from scorecard
    cross join tables
    left join detail_months as d
        on tables.table_name = d.table_name and scorecard.month = d.month

)

select *
from expected
where
    numerator is distinct from cast(detail_numerator as double)
    or denominator is distinct from cast(detail_denominator as double)
