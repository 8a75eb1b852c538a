{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per ticket: first assignment (earliest 'assigned' event with a new assignee) and
-- the number of distinct agents the ticket was ever assigned to. An assignment stamped before
-- the ticket's created_at takes effect at created_at (first assignment time 0, never negative).
-- Incremental: the tickets of int_affected__tickets are deleted and computed again (a ticket's
-- row depends only on its own rows).
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

assignments as (

    select
        ticket_id,
        occurred_at,
        event_id,
        new_value as assignee_id
    from {{ ref('stg_helpdesk__ticket_events') }}
    where
        event_type = 'assigned' and new_value is not null
        {% if is_incremental() -%}
            and ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
        {%- endif %}

),

per_ticket as (

    select
        ticket_id,
        min(occurred_at) as first_assigned_at,
        {{ value_at_first('assignee_id', ['occurred_at', 'event_id']) }} as first_assignee_id,
        count(distinct assignee_id) as assignee_count
    from assignments
    group by ticket_id

),

-- greatest() skips nulls in DuckDB: clamp only tickets that were assigned
clamped as (

    select
        per_ticket.ticket_id,
        greatest(per_ticket.first_assigned_at, tickets.created_at) as first_assigned_at
    from per_ticket
    inner join tickets on per_ticket.ticket_id = tickets.ticket_id

)

select
    tickets.ticket_id,
    clamped.first_assigned_at,
    per_ticket.first_assignee_id,
    {{ seconds_between('tickets.created_at', 'clamped.first_assigned_at') }} / 60.0 as first_assignment_minutes,
    coalesce(per_ticket.assignee_count, 0) as assignee_count
from tickets
left join per_ticket on tickets.ticket_id = per_ticket.ticket_id
left join clamped on tickets.ticket_id = clamped.ticket_id
