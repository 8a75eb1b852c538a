{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per agent reply (agent_reply event by an agent, public), paired with the customer
-- message it answers: the earliest customer message (ticket creation or customer_reply) that
-- arrived after the previous agent reply. At equal timestamps the customer message sorts
-- first, so it is answered by that reply. Bot replies and internal notes are not replies.
with

tickets as (

    select
        ticket_id,
        created_at
    from {{ ref('stg_helpdesk__tickets') }}
    {% if is_incremental() -%}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

),

ticket_events as (

    select
        event_id,
        ticket_id,
        occurred_at,
        event_type,
        actor_type,
        actor_id,
        is_public
    from {{ ref('stg_helpdesk__ticket_events') }}
    where
        event_type in ('agent_reply', 'customer_reply')
        {% if is_incremental() -%}
            and ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
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

messages as (

    select
        ticket_id,
        null as event_id,
        null as agent_id,
        created_at as message_at,
        false as is_agent_reply
    from tickets

    union all

    select
        ticket_events.ticket_id,
        ticket_events.event_id,
        case when ticket_events.event_type = 'agent_reply' then ticket_events.actor_id end as agent_id,
        ticket_events.occurred_at as message_at,
        ticket_events.event_type = 'agent_reply' as is_agent_reply
    from ticket_events
    inner join tickets on ticket_events.ticket_id = tickets.ticket_id
    where
        ticket_events.event_type = 'customer_reply'
        or (ticket_events.actor_type = 'agent' and ticket_events.is_public)

),

numbered as (

    select
        ticket_id,
        event_id,
        agent_id,
        message_at,
        is_agent_reply,
        -- agent replies strictly before this message = index of the conversation turn
        cast(coalesce(
            sum(cast(is_agent_reply as integer)) over (
                partition by ticket_id
                order by message_at, is_agent_reply, event_id
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as bigint) as agent_replies_before
    from messages

),

paired as (

    select
        ticket_id,
        event_id,
        agent_id,
        message_at,
        is_agent_reply,
        agent_replies_before,
        min(case when not is_agent_reply then message_at end) over (
            partition by ticket_id, agent_replies_before
        ) as waiting_since_at
    from numbered

)

select
    paired.event_id as reply_event_id,
    paired.ticket_id,
    paired.agent_id,
    paired.message_at as replied_at,
    paired.agent_replies_before + 1 as reply_number,
    (
        resolutions.first_resolved_at is null
        or paired.message_at <= resolutions.first_resolved_at
    ) as is_before_first_resolution,
    paired.waiting_since_at,
    {{ seconds_between('paired.waiting_since_at', 'paired.message_at') }} / 60.0 as response_minutes
from paired
left join resolutions on paired.ticket_id = resolutions.ticket_id
where paired.is_agent_reply
