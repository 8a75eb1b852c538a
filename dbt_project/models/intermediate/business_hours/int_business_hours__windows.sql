-- One row per business window (an opening interval on one local date) in UTC, with the
-- business time of all earlier windows in whole microseconds. Business time up to an instant t:
--   F(t) = cumulative_microseconds_before + least(greatest(t - window_start, 0), window_microseconds)
-- of the last window starting at or before t (macro asof_join), and between a and b: F(b) - F(a).
-- Weekly hours come from seed business_hours; company-wide holidays (no country) are closed.
-- The spine covers every ticket timestamp, from var business_calendar_days_before (7) days
-- before the first to var business_calendar_days_after (366) days after the last one (room for
-- SLA targets and month ends after the data cut-off).
with

business_hours as (

    select
        weekday,
        start_time,
        end_time,
        time_zone
    from {{ ref('business_hours') }}

),

holidays as (

    select distinct holiday_date
    from {{ ref('holidays') }}
    where country_code is null

),

tickets as (

    select created_at from {{ ref('stg_helpdesk__tickets') }}

),

data_cutoff as (

    select data_cutoff_at from {{ ref('int_helpdesk__data_cutoff') }}

),

bounds as (

    select
        cast(min(tickets.created_at) as date) - {{ var('business_calendar_days_before', 7) }} as first_date,
        cast(greatest(max(tickets.created_at), max(data_cutoff.data_cutoff_at)) as date)
        + {{ var('business_calendar_days_after', 366) }} as last_date
    from tickets
    cross join data_cutoff

),

local_dates as (

    select {{ series('bounds.first_date', 'bounds.last_date', 'interval 1 day', 'date') }} as local_date
    from bounds

),

windows_local as (

    select
        local_dates.local_date,
        business_hours.time_zone,
        cast(cast(local_dates.local_date as string) || ' ' || business_hours.start_time as timestamp) as local_start,
        cast(cast(local_dates.local_date as string) || ' ' || business_hours.end_time as timestamp) as local_end
    from local_dates
    inner join business_hours on {{ iso_weekday('local_dates.local_date') }} = business_hours.weekday
    left join holidays on local_dates.local_date = holidays.holiday_date
    where holidays.holiday_date is null

),

windows_utc as (

    select
        local_date,
        {{ local_to_utc('local_start', 'time_zone') }} as window_start,
        {{ local_to_utc('local_end', 'time_zone') }} as window_end
    from windows_local

)

select
    local_date,
    window_start,
    window_end,
    -- the next window's start: where this window stops being the one in force (asof_join)
    lead(window_start) over (order by window_start) as next_window_start,
    -- the clock counts whole microseconds: exact, so F(b) - F(a) does not depend on where the
    -- calendar starts (a week before the first ticket, which later files can move)
    {{ to_epoch_microseconds('window_end') }} - {{ to_epoch_microseconds('window_start') }} as window_microseconds,
    cast(coalesce(
        sum({{ to_epoch_microseconds('window_end') }} - {{ to_epoch_microseconds('window_start') }}) over (
            order by window_start rows between unbounded preceding and 1 preceding
        ),
        0
    ) as bigint) as cumulative_microseconds_before
from windows_utc
