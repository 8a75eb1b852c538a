-- Forecast load per queue x slot (ISO weekday x 30-minute interval, reporting time zone): the
-- mean over the forecast window of the inbound calls offered in that slot (answered or abandoned;
-- blocked calls never reached the queue), dividing by the days of that weekday in the window so a
-- week without calls counts as 0; and the slot's AHT = handle seconds / answered calls over the
-- window (call-weighted). A slot with offered but no answered calls takes its queue's AHT over the
-- window, or the AHT of all queues when the queue had no answered call. Queues = queues with an
-- offered inbound call in the window; every slot of such a queue has a row (0 calls where none
-- arrived).
with

calls as (

    select
        queue_name,
        arrived_interval_start,
        is_inbound,
        is_offered,
        is_answered,
        handle_seconds
    from {{ ref('fct_calls') }}

),

forecast_window as (

    select
        history_start_date,
        window_end_date
    from {{ ref('int_staffing__forecast_window') }}

),

slots as (

    select
        weekday_iso,
        weekday_name,
        interval_start_time,
        weeks_in_window
    from {{ ref('int_staffing__slots') }}

),

window_calls as (

    select
        calls.queue_name,
        {{ iso_weekday('calls.arrived_interval_start') }} as weekday_iso,
        {{ time_of_day('calls.arrived_interval_start') }} as interval_start_time,
        calls.is_answered and calls.handle_seconds is not null as is_handled,
        calls.handle_seconds
    from calls
    inner join forecast_window
        on
            calls.arrived_interval_start >= forecast_window.history_start_date
            and calls.arrived_interval_start < forecast_window.window_end_date
    where calls.is_inbound and calls.is_offered

),

slot_calls as (

    select
        queue_name,
        weekday_iso,
        interval_start_time,
        count(*) as offered_calls,
        count(*) filter (where is_handled) as handled_calls,
        {{ exact_seconds_sum('handle_seconds', 'is_handled') }} as handle_seconds
    from window_calls
    group by all

),

queue_handle_times as (

    select
        queue_name,
        {{ exact_seconds_sum('handle_seconds', 'is_handled') }} / count(*) filter (where is_handled)
            as queue_aht_seconds
    from window_calls
    group by all

),

all_handle_times as (

    select
        {{ exact_seconds_sum('handle_seconds', 'is_handled') }} / count(*) filter (where is_handled)
            as all_aht_seconds
    from window_calls

),

forecast as (

    select
        queue_handle_times.queue_name,
        slots.weekday_iso,
        slots.weekday_name,
        slots.interval_start_time,
        slots.weeks_in_window,
        coalesce(slot_calls.offered_calls, 0) as offered_calls_in_window,
        coalesce(slot_calls.handled_calls, 0) as answered_calls_in_window,
        coalesce(slot_calls.handle_seconds, 0) as handle_seconds_in_window,
        coalesce(slot_calls.offered_calls, 0) / slots.weeks_in_window as forecast_calls,
        case
            when slot_calls.handled_calls > 0 then slot_calls.handle_seconds / slot_calls.handled_calls
            when slot_calls.offered_calls > 0
                then coalesce(queue_handle_times.queue_aht_seconds, all_handle_times.all_aht_seconds)
        end as forecast_aht_seconds
    from queue_handle_times
    cross join all_handle_times
    cross join slots
    left join slot_calls
        on
            queue_handle_times.queue_name = slot_calls.queue_name
            and slots.weekday_iso = slot_calls.weekday_iso
            and slots.interval_start_time = slot_calls.interval_start_time

)

select
    queue_name,
    weekday_iso,
    weekday_name,
    interval_start_time,
    weeks_in_window,
    offered_calls_in_window,
    answered_calls_in_window,
    handle_seconds_in_window,
    forecast_calls,
    forecast_aht_seconds,
    case
        when forecast_calls = 0 then 0.0
        else forecast_calls * forecast_aht_seconds / 1800.0
    end as traffic_erlangs
from forecast
