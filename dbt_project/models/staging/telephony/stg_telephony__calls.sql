-- One row per call: the latest version of each call_id. Calls carry no version column, so a row
-- from an Asterisk CDR file loses against any other row of the same call_id (the queue log and
-- the landing contract know queue, wait and outcome better than a CDR), then the latest load
-- batch wins, then the latest file line. Contract defaults: handle components 0 when missing,
-- wait 0 for blocked calls and else derived from the timestamps when missing. The caller number
-- (PII) leaves staging only as the keyed HMAC-SHA-256 of its digits (pseudonym_hmac).
-- Incremental: the calls of int_affected__calls are deleted and computed again from all their raw
-- rows (a call whose raw rows all vanished loses its row).
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

source as (

    select * from {{ source('telephony', 'calls') }}
    {% if is_incremental() -%}
        where call_id in (select affected.call_id from {{ ref('int_affected__calls') }} as affected)
    {%- endif %}

),

versioned as (

    select
        call_id,
        queue_name,
        direction,
        case
            when left(_source_file, 29) = 'telephony/asterisk_queue_log/' then 'asterisk_queue_log'
            when left(_source_file, 23) = 'telephony/asterisk_cdr/' then 'asterisk_cdr'
            else 'landing'
        end as source_system,
        arrived_at,
        answered_at,
        ended_at,
        outcome,
        agent_id,
        customer_id,
        nullif({{ regexp_replace_all("coalesce(caller_number, '')", "'[^0-9]'", "''") }}, '') as caller_digits,
        wait_seconds,
        talk_seconds,
        hold_seconds,
        wrap_up_seconds,
        ticket_id,
        _batch_id,
        _source_line
    from source

),

latest as (

    select *
    from versioned
    qualify row_number() over (
        partition by call_id
        order by source_system = 'asterisk_cdr', _batch_id desc, _source_line desc
    ) = 1

)

select
    call_id,
    queue_name,
    direction,
    source_system,
    arrived_at,
    answered_at,
    ended_at,
    outcome,
    agent_id,
    customer_id,
    case when caller_digits is not null then {{ pseudonymize('caller_digits') }} end as caller_number_hmac,
    cast(coalesce(
        wait_seconds,
        case
            when outcome = 'blocked' then 0
            when outcome = 'answered' then {{ seconds_between('arrived_at', 'answered_at') }}
            when outcome = 'abandoned' then {{ seconds_between('arrived_at', 'ended_at') }}
        end
    ) as double) as wait_seconds,
    cast(coalesce(talk_seconds, 0) as double) as talk_seconds,
    cast(coalesce(hold_seconds, 0) as double) as hold_seconds,
    cast(coalesce(wrap_up_seconds, 0) as double) as wrap_up_seconds,
    ticket_id
from latest
