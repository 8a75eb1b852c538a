-- One row per call with its outcome flags, the single place where the telephony KPI rules live:
-- offered = answered or abandoned; short abandon = abandoned with wait < var short_abandon_seconds
-- (an abandoned call without a known wait is not short); within service level = answered with
-- wait <= var service_level_threshold_seconds. The flags describe the outcome whatever the
-- direction; the KPIs add is_inbound. Incremental: the calls of int_affected__calls.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__calls', 'key': ['call_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__calls') }}
with

calls as (

    select
        call_id,
        direction,
        outcome,
        wait_seconds,
        talk_seconds,
        hold_seconds,
        wrap_up_seconds
    from {{ ref('stg_telephony__calls') }}
    {% if is_incremental() -%}
        where call_id in (select affected.call_id from {{ ref('int_affected__calls') }} as affected)
    {%- endif %}

)

select
    call_id,
    talk_seconds + hold_seconds + wrap_up_seconds as handle_seconds,
    direction = 'inbound' as is_inbound,
    outcome in ('answered', 'abandoned') as is_offered,
    outcome = 'answered' as is_answered,
    outcome = 'abandoned' as is_abandoned,
    coalesce(
        outcome = 'abandoned' and wait_seconds < {{ var('short_abandon_seconds') }},
        false
    ) as is_short_abandon,
    outcome = 'blocked' as is_blocked,
    coalesce(
        outcome = 'answered' and wait_seconds <= {{ var('service_level_threshold_seconds') }},
        false
    ) as is_within_service_level
from calls
