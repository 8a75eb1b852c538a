{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per ticket: agent replies (all, and up to the first resolution), customer_reply
-- events up to the first resolution (all of them when never resolved; the opening request is
-- not a reply) and whether a bot ever replied.
-- Incremental: the tickets of int_affected__tickets are deleted and computed again (a ticket's
-- row depends only on its own rows).
with

tickets as (

    select ticket_id from {{ ref('stg_helpdesk__tickets') }}
    {% if is_incremental() -%}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

),

replies as (

    select
        ticket_id,
        is_before_first_resolution
    from {{ ref('int_ticket_replies__paired') }}
    {% if is_incremental() -%}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

),

resolutions as (

    select
        ticket_id,
        first_resolved_at
    from {{ ref('int_tickets__resolutions') }}
    {% if is_incremental() -%}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

),

ticket_events as (

    select
        ticket_id,
        occurred_at,
        event_type,
        actor_type
    from {{ ref('stg_helpdesk__ticket_events') }}
    where
        (
            event_type = 'customer_reply'
            or (event_type = 'agent_reply' and actor_type = 'bot')
        )
        {% if is_incremental() -%}
            and ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
        {%- endif %}

),

agent_reply_counts as (

    select
        ticket_id,
        count(*) as agent_replies_total,
        count(*) filter (where is_before_first_resolution) as agent_replies_count
    from replies
    group by ticket_id

),

other_message_counts as (

    select
        ticket_events.ticket_id,
        count(*) filter (
            where
            ticket_events.event_type = 'customer_reply'
            and (
                resolutions.first_resolved_at is null
                or ticket_events.occurred_at <= resolutions.first_resolved_at
            )
        ) as customer_replies_count,
        count(*) filter (where ticket_events.actor_type = 'bot') > 0 as has_bot_reply
    from ticket_events
    left join resolutions on ticket_events.ticket_id = resolutions.ticket_id
    group by ticket_events.ticket_id

)

select
    tickets.ticket_id,
    coalesce(agent_reply_counts.agent_replies_count, 0) as agent_replies_count,
    coalesce(agent_reply_counts.agent_replies_total, 0) as agent_replies_total,
    coalesce(other_message_counts.customer_replies_count, 0) as customer_replies_count,
    coalesce(other_message_counts.has_bot_reply, false) as has_bot_reply
from tickets
left join agent_reply_counts on tickets.ticket_id = agent_reply_counts.ticket_id
left join other_message_counts on tickets.ticket_id = other_message_counts.ticket_id
