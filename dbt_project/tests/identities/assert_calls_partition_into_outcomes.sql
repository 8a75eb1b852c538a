-- Identity: every inbound call has exactly one outcome. Per interval x queue
-- (kpi_contact_centre_interval) and per day x queue (kpi_contact_centre_daily):
-- answered + abandoned = offered, offered + blocked = inbound, short abandons within abandons.
-- Integers, compared exactly. Returns the rows that break it.
{{ config(severity='error') }}
with

interval_rows as (

    select
        'kpi_contact_centre_interval' as table_name,
        cast(interval_start as string) || '|' || queue_name as row_key,
        inbound_calls_count,
        offered_calls_count,
        answered_calls_count,
        abandoned_calls_count,
        short_abandoned_calls_count,
        blocked_calls_count
    from {{ ref('kpi_contact_centre_interval') }}

),

daily_rows as (

    select
        'kpi_contact_centre_daily' as table_name,
        cast(call_date as string) || '|' || queue_name as row_key,
        inbound_calls_count,
        offered_calls_count,
        answered_calls_count,
        abandoned_calls_count,
        short_abandoned_calls_count,
        blocked_calls_count
    from {{ ref('kpi_contact_centre_daily') }}

),

all_rows as (

    select * from interval_rows
    union all
    select * from daily_rows

)

select *
from all_rows
where
    answered_calls_count + abandoned_calls_count <> offered_calls_count
    or offered_calls_count + blocked_calls_count <> inbound_calls_count
    or short_abandoned_calls_count > abandoned_calls_count
    or least(
        answered_calls_count, abandoned_calls_count, short_abandoned_calls_count, blocked_calls_count
    ) < 0
