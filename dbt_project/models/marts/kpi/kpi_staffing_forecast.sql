-- Staffing forecast per queue x ISO weekday x 30-minute interval (reporting time zone): the
-- forecast load (mean of the slot over the complete weeks before the telephony data cut-off),
-- the Erlang C agents it needs on the phones, the agents to roster for shrinkage
-- (ceil(N / (1 - var staffing_shrinkage_pct / 100)), computed as N * 100 / (100 - pct) so that
-- 21 / 0.7 is exactly 30, not the 30.000000000000004 of a double 1 - 0.3), and the agents
-- actually logged in on average in that slot.
with

forecast_window as (

    select
        history_start_date,
        window_end_date
    from {{ ref('int_staffing__forecast_window') }}

),

slot_forecast as (

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
        traffic_erlangs
    from {{ ref('int_staffing__slot_forecast') }}

),

required as (

    select
        queue_name,
        weekday_iso,
        interval_start_time,
        required_agents,
        expected_service_level,
        expected_asa_seconds,
        expected_occupancy
    from {{ ref('int_staffing__required_agents') }}

),

staffed as (

    select
        queue_name,
        weekday_iso,
        interval_start_time,
        logged_in_seconds_in_window,
        staffed_agents
    from {{ ref('int_staffing__staffed_agents') }}

),

joined as (

    select
        slot_forecast.queue_name,
        slot_forecast.weekday_iso,
        slot_forecast.weekday_name,
        slot_forecast.interval_start_time,
        forecast_window.history_start_date as window_start_date,
        forecast_window.window_end_date,
        slot_forecast.weeks_in_window,
        slot_forecast.offered_calls_in_window,
        slot_forecast.answered_calls_in_window,
        slot_forecast.handle_seconds_in_window,
        slot_forecast.forecast_calls,
        slot_forecast.forecast_aht_seconds,
        slot_forecast.traffic_erlangs,
        required.required_agents,
        100 * required.expected_service_level as expected_service_level_pct,
        required.expected_asa_seconds,
        100 * required.expected_occupancy as expected_occupancy_pct,
        cast(
            ceil(required.required_agents * 100.0 / (100 - {{ var('staffing_shrinkage_pct') }})) as integer
        ) as rostered_agents,
        coalesce(staffed.logged_in_seconds_in_window, 0) as logged_in_seconds_in_window,
        coalesce(staffed.staffed_agents, 0) as staffed_agents
    from slot_forecast
    cross join forecast_window
    left join required
        on
            slot_forecast.queue_name = required.queue_name
            and slot_forecast.weekday_iso = required.weekday_iso
            and slot_forecast.interval_start_time = required.interval_start_time
    left join staffed
        on
            slot_forecast.queue_name = staffed.queue_name
            and slot_forecast.weekday_iso = staffed.weekday_iso
            and slot_forecast.interval_start_time = staffed.interval_start_time

)

select
    queue_name,
    weekday_iso,
    weekday_name,
    interval_start_time,
    window_start_date,
    window_end_date,
    weeks_in_window,
    offered_calls_in_window,
    answered_calls_in_window,
    handle_seconds_in_window,
    forecast_calls,
    forecast_aht_seconds,
    traffic_erlangs,
    required_agents,
    expected_service_level_pct,
    expected_asa_seconds,
    expected_occupancy_pct,
    rostered_agents,
    logged_in_seconds_in_window,
    staffed_agents,
    staffed_agents - rostered_agents as staffing_gap
from joined
