{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per ticket: the latest version (updated_at, then load batch, then file line), including
-- tickets whose latest version marks them deleted, merged or spam (excluded_reason). The staging
-- models filter those out; this base model exists so tickets and their events are excluded alike.
-- Two versions with the same updated_at: the one that excludes the ticket wins (a vendor may
-- delete or mark as spam without moving updated_at, and the file order of one pull is arbitrary).
-- PII (subject) and load metadata are dropped here.
with

source as (

    select * from {{ source('helpdesk', 'tickets') }}
    {% if is_incremental() -%}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

),

versioned as (

    select
        ticket_id,
        created_at,
        coalesce(updated_at, created_at) as updated_at,
        channel,
        social_network,
        ticket_type,
        priority,
        status,
        category,
        requester_id,
        group_id,
        assignee_id,
        upper(country_code) as country_code,
        excluded_reason,
        _batch_id,
        _source_line
    from source

),

latest as (

    select *
    from versioned
    qualify row_number() over (
        partition by ticket_id
        order by updated_at desc, excluded_reason is not null desc, _batch_id desc, _source_line desc
    ) = 1

)

select
    ticket_id,
    created_at,
    updated_at,
    channel,
    social_network,
    ticket_type,
    priority,
    status,
    category,
    requester_id,
    group_id,
    assignee_id,
    country_code,
    excluded_reason
from latest
