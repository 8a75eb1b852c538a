-- Additive inbound-call figures per local 30-minute interval (of arrived_at) x queue, only where
-- calls arrived (sparse). The contact-centre interval, daily and scorecard figures all sum these
-- columns, so every roll-up agrees. Outbound calls are left out (the KPIs are inbound only).
with

calls as (

    select
        queue_name,
        arrived_interval_start,
        wait_seconds,
        talk_seconds,
        hold_seconds,
        wrap_up_seconds,
        handle_seconds,
        is_offered,
        is_answered,
        is_abandoned,
        is_short_abandon,
        is_blocked,
        is_within_service_level
    from {{ ref('fct_calls') }}
    where is_inbound

)

select
    arrived_interval_start as interval_start,
    cast(arrived_interval_start as date) as interval_date,
    cast(date_trunc('month', arrived_interval_start) as date) as interval_month,
    queue_name,
    count(*) as inbound_calls_count,
    count(*) filter (where is_offered) as offered_calls_count,
    count(*) filter (where is_answered) as answered_calls_count,
    count(*) filter (where is_abandoned) as abandoned_calls_count,
    count(*) filter (where is_short_abandon) as short_abandoned_calls_count,
    count(*) filter (where is_blocked) as blocked_calls_count,
    count(*) filter (where is_within_service_level) as answered_within_service_level_count,
    coalesce({{ exact_seconds_sum('wait_seconds', 'is_answered') }}, 0) as answered_wait_seconds_sum,
    coalesce({{ exact_seconds_sum('wait_seconds', 'is_abandoned') }}, 0) as abandoned_wait_seconds_sum,
    coalesce({{ exact_seconds_sum('handle_seconds', 'is_answered') }}, 0) as handle_seconds_sum,
    coalesce({{ exact_seconds_sum('talk_seconds', 'is_answered') }}, 0) as talk_seconds_sum,
    coalesce({{ exact_seconds_sum('hold_seconds', 'is_answered') }}, 0) as hold_seconds_sum,
    coalesce({{ exact_seconds_sum('wrap_up_seconds', 'is_answered') }}, 0) as wrap_up_seconds_sum
from calls
group by all
