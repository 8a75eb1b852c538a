{#-
    Erlang C per forecast slot: the smallest agent count N with service level >= var
    staffing_target_service_level_pct within var service_level_threshold_seconds and occupancy
    A / N <= var staffing_max_occupancy_pct, for the slot's traffic A (Erlangs) and AHT.

    Stable for hundreds of agents: a recursive CTE walks the Erlang B recursion
    B(0) = 1, B(n) = A * B(n - 1) / (n + A * B(n - 1)) (a probability in [0, 1]: no factorial or
    power is formed) and stops at the first n that meets both targets, where
    C = n * B / (n - A * (1 - B)), SL = 1 - C * exp(-(n - A) * T / AHT), ASA = C * AHT / (n - A).
    Each distinct (A, AHT) is solved once. Zero traffic needs 0 agents (SL, ASA, occupancy null);
    unknown traffic (calls without any AHT) gives nulls. Both targets are compared with a
    tolerance of 1e-9 so that a load exactly on a boundary (1071 calls x 30 s = 17.85 Erlangs on
    21 agents is exactly 85 %) is not pushed over it by floating-point noise in A.
    tests/test_staffing.py runs this model's compiled SQL against demo_generator/staffing.py.
-#}
{%- set threshold_seconds = var('service_level_threshold_seconds') -%}
{%- set erlang_c -%}
    (agents * erlang_b / (agents - traffic_erlangs * (1 - erlang_b)))
{%- endset -%}
{%- set service_level -%}
    (1 - {{ erlang_c }} * exp(-(agents - traffic_erlangs) * {{ threshold_seconds }} / forecast_aht_seconds))
{%- endset -%}
{%- set meets_targets -%}
    (
        agents > traffic_erlangs
        and traffic_erlangs / agents <= {{ var('staffing_max_occupancy_pct') }} / 100 + 1e-9
        and case
            when agents > traffic_erlangs
                then {{ service_level }} >= {{ var('staffing_target_service_level_pct') }} / 100 - 1e-9
            else false
        end
    )
{%- endset -%}

with recursive

slot_loads as (

    select
        queue_name,
        weekday_iso,
        interval_start_time,
        forecast_aht_seconds,
        traffic_erlangs
    from {{ ref('int_staffing__slot_forecast') }}

),

loads as (

    select distinct
        traffic_erlangs,
        forecast_aht_seconds
    from slot_loads
    where traffic_erlangs > 0 and forecast_aht_seconds > 0

),

erlang_b_steps as (

    select
        traffic_erlangs,
        forecast_aht_seconds,
        0 as agents,
        1.0::double as erlang_b
    from loads

    union all

    select
        traffic_erlangs,
        forecast_aht_seconds,
        agents + 1 as agents,
        traffic_erlangs * erlang_b / (agents + 1 + traffic_erlangs * erlang_b) as erlang_b
    from erlang_b_steps
    -- stop at the first n meeting both targets; the bound only guards against unreachable targets
    where not {{ meets_targets }} and agents < 10 * traffic_erlangs + 1000

),

solved as (

    select
        traffic_erlangs,
        forecast_aht_seconds,
        agents as required_agents,
        {{ service_level }} as expected_service_level,
        {{ erlang_c }} * forecast_aht_seconds / (agents - traffic_erlangs) as expected_asa_seconds,
        traffic_erlangs / agents as expected_occupancy
    from erlang_b_steps
    where {{ meets_targets }}

)

select
    slot_loads.queue_name,
    slot_loads.weekday_iso,
    slot_loads.interval_start_time,
    slot_loads.traffic_erlangs,
    case when slot_loads.traffic_erlangs = 0 then 0 else solved.required_agents end as required_agents,
    solved.expected_service_level,
    solved.expected_asa_seconds,
    solved.expected_occupancy
from slot_loads
left join solved
    on
        slot_loads.traffic_erlangs = solved.traffic_erlangs
        and slot_loads.forecast_aht_seconds = solved.forecast_aht_seconds
