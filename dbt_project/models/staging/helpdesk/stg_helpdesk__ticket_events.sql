{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per ticket event. Events have no version column: a re-delivered event_id keeps
-- the row of the latest load batch, then the latest file line. Events of tickets whose latest
-- version is deleted, merged or spam are left out, like the tickets themselves.
-- Incremental builds: the winner of an event_id is chosen among all raw rows of that event_id
-- (whatever ticket they carry); only winners of affected tickets are kept, since
-- int_affected__tickets already holds every ticket whose winners may have changed.
with

source as (

    select * from {{ source('helpdesk', 'ticket_events') }}
    {% if is_incremental() -%}
        where event_id in (
            select affected_events.event_id
            from {{ source('helpdesk', 'ticket_events') }} as affected_events
            where affected_events.ticket_id in (
                select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected
            )
        )
    {%- endif %}

),

excluded_tickets as (

    select ticket_id from {{ ref('base_helpdesk__tickets') }}
    where excluded_reason is not null

),

latest as (

    select *
    from source
    where ticket_id not in (select excluded_tickets.ticket_id from excluded_tickets)
    qualify row_number() over (
        partition by event_id
        order by _batch_id desc, _source_line desc
    ) = 1

)

select
    event_id,
    ticket_id,
    occurred_at,
    event_type,
    actor_type,
    actor_id,
    old_value,
    new_value,
    coalesce(is_public, true) as is_public
from latest
{% if is_incremental() -%}
    where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
{%- endif %}
