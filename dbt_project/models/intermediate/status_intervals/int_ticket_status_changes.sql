{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per status change, with the status it left and its classification:
-- resolution = into solved/closed from a status that is not solved/closed;
-- reopen = out of solved/closed into new/open/pending/on_hold.
-- The previous status is old_value; when old_value is missing it is the new_value of the
-- ticket's previous status change ('new' before the first one).
-- A change stamped before the ticket's created_at takes effect at created_at (changed_at is
-- clamped; the order of changes stays the order of their stamps).
-- A ticket without any status change whose record says solved or closed (migrated or imported
-- tickets) gets one change new -> <record status> at the record's updated_at (clamped to
-- created_at), flagged is_from_record (DECISIONS.md, "Ticket status without status history").
with

tickets as (

    select
        ticket_id,
        created_at,
        updated_at,
        status
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
        old_value,
        new_value
    from {{ ref('stg_helpdesk__ticket_events') }}
    where
        event_type = 'status_changed' and new_value is not null
        {% if is_incremental() -%}
            and ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
        {%- endif %}

),

sequenced as (

    select
        ticket_events.event_id,
        ticket_events.ticket_id,
        greatest(ticket_events.occurred_at, tickets.created_at) as changed_at,
        row_number() over (
            partition by ticket_events.ticket_id
            order by ticket_events.occurred_at, ticket_events.event_id
        ) as change_number,
        coalesce(
            ticket_events.old_value,
            lag(ticket_events.new_value) over (
                partition by ticket_events.ticket_id
                order by ticket_events.occurred_at, ticket_events.event_id
            ),
            'new'
        ) as previous_status,
        ticket_events.new_value as new_status,
        false as is_from_record
    from ticket_events
    left join tickets on ticket_events.ticket_id = tickets.ticket_id

),

from_record as (

    select
        'status_from_record:' || tickets.ticket_id as event_id,
        tickets.ticket_id,
        greatest(tickets.updated_at, tickets.created_at) as changed_at,
        1 as change_number,
        'new' as previous_status,
        tickets.status as new_status,
        true as is_from_record
    from tickets
    where
        tickets.status in ('solved', 'closed')
        and tickets.ticket_id not in (select ticket_events.ticket_id from ticket_events)

),

status_changes as (

    select * from sequenced
    union all
    select * from from_record

)

select
    event_id,
    ticket_id,
    changed_at,
    change_number,
    previous_status,
    new_status,
    (
        new_status in ('solved', 'closed')
        and previous_status not in ('solved', 'closed')
    ) as is_resolution,
    (
        previous_status in ('solved', 'closed')
        and new_status in ('new', 'open', 'pending', 'on_hold')
    ) as is_reopen,
    is_from_record
from status_changes
