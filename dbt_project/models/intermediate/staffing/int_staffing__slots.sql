-- The forecast slots: ISO weekday x 30-minute interval of the day (reporting time zone), with
-- how many days of that weekday the forecast window holds (the divisor of every slot mean, so a
-- week without calls in a slot counts as 0). Weekdays the window does not reach have no slots.
with

forecast_window as (

    select
        history_start_date,
        window_end_date
    from {{ ref('int_staffing__forecast_window') }}

),

window_days as (

    select
        {{ series(
            'forecast_window.history_start_date', 'forecast_window.window_end_date - 1', 'interval 1 day', 'date'
        ) }} as window_date
    from forecast_window

),

weekdays as (

    select
        {{ iso_weekday('window_date') }} as weekday_iso,
        {{ weekday_name('window_date') }} as weekday_name,
        count(*) as weeks_in_window
    from window_days
    group by all

),

intervals as (

    select {{ time_of_day_at('cast(floor(slot / 2) as integer)', '(slot % 2) * 30') }} as interval_start_time
    from (select {{ series('0', '47') }} as slot) as slots

)

select
    weekdays.weekday_iso,
    weekdays.weekday_name,
    intervals.interval_start_time,
    weekdays.weeks_in_window
from weekdays
cross join intervals
