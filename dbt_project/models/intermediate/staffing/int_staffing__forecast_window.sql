-- The staffing forecast window (one row). The telephony data cut-off is the latest call arrival
-- loaded; its day (reporting time zone) may be incomplete, so the window is the
-- `staffing_history_weeks` x 7 complete days before that day: every weekday occurs exactly
-- `staffing_history_weeks` times. With a shorter history the window starts at the first day with
-- calls (history_start_date) and a weekday occurs fewer times (see int_staffing__slots).
with

calls as (

    select arrived_interval_start from {{ ref('fct_calls') }}

),

bounds as (

    select
        max(arrived_interval_start) as last_interval_start,
        cast(min(arrived_interval_start) as date) as first_call_date,
        cast(max(arrived_interval_start) as date) as cutoff_date
    from calls

)

select
    last_interval_start as data_cutoff_interval_start,
    cutoff_date - 7 * {{ var('staffing_history_weeks') }} as window_start_date,
    greatest(cutoff_date - 7 * {{ var('staffing_history_weeks') }}, first_call_date) as history_start_date,
    cutoff_date as window_end_date,
    {{ var('staffing_history_weeks') }} as history_weeks
from bounds
where cutoff_date is not null
