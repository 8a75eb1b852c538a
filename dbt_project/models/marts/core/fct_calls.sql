-- One row per call (latest version), PII-free: the caller number only as caller_number_hmac (keyed).
-- Timestamps are UTC; arrived_date / arrived_month / arrived_interval_start (start of the local
-- 30-minute bucket, naive timestamp) are in the reporting time zone. Flags from int_calls__classified.
-- Incremental: the calls of int_affected__calls are deleted and computed again.
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

    select * from {{ ref('stg_telephony__calls') }}
    {% if is_incremental() -%}
        where call_id in (select affected.call_id from {{ ref('int_affected__calls') }} as affected)
    {%- endif %}

),

classified as (

    select * from {{ ref('int_calls__classified') }}
    {% if is_incremental() -%}
        where call_id in (select affected.call_id from {{ ref('int_affected__calls') }} as affected)
    {%- endif %}

)

select
    calls.call_id,
    calls.queue_name,
    calls.direction,
    calls.source_system,
    calls.arrived_at,
    {{ to_reporting_date('calls.arrived_at') }} as arrived_date,
    {{ to_reporting_month('calls.arrived_at') }} as arrived_month,
    {{ floor_to_minutes(
        'calls.arrived_at' if var('reporting_time_zone') | upper == 'UTC'
        else utc_to_local('calls.arrived_at', "'" ~ var('reporting_time_zone') ~ "'"),
        30
    ) }} as arrived_interval_start,
    calls.answered_at,
    calls.ended_at,
    calls.outcome,
    calls.agent_id,
    calls.customer_id,
    calls.caller_number_hmac,
    calls.ticket_id,
    calls.wait_seconds,
    calls.talk_seconds,
    calls.hold_seconds,
    calls.wrap_up_seconds,
    classified.handle_seconds,
    classified.is_inbound,
    classified.is_offered,
    classified.is_answered,
    classified.is_abandoned,
    classified.is_short_abandon,
    classified.is_blocked,
    classified.is_within_service_level
from calls
inner join classified on calls.call_id = classified.call_id
