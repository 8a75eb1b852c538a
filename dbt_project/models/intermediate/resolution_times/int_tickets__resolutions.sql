{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per ticket: first and last resolution, resolution and reopen counts, and the
-- calendar durations from creation (first resolution / last = "full" resolution);
-- status_from_record = the only resolution is the synthetic one from the ticket record.
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

status_changes as (

    select
        ticket_id,
        changed_at,
        is_resolution,
        is_reopen,
        is_from_record
    from {{ ref('int_ticket_status_changes') }}
    where
        (is_resolution or is_reopen)
        {% if is_incremental() -%}
            and ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
        {%- endif %}

),

per_ticket as (

    select
        ticket_id,
        min(changed_at) filter (where is_resolution) as first_resolved_at,
        max(changed_at) filter (where is_resolution) as last_resolved_at,
        count(*) filter (where is_resolution) as resolution_count,
        count(*) filter (where is_reopen) as reopen_count,
        min(changed_at) filter (where is_reopen) as first_reopened_at,
        bool_or(is_from_record) as status_from_record
    from status_changes
    group by ticket_id

)

select
    tickets.ticket_id,
    per_ticket.first_resolved_at,
    per_ticket.last_resolved_at,
    {{ seconds_between('tickets.created_at', 'per_ticket.first_resolved_at') }} / 60.0 as first_resolution_minutes,
    {{ seconds_between('tickets.created_at', 'per_ticket.last_resolved_at') }} / 60.0 as full_resolution_minutes,
    coalesce(per_ticket.resolution_count, 0) as resolution_count,
    coalesce(per_ticket.reopen_count, 0) as reopen_count,
    per_ticket.first_reopened_at,
    coalesce(per_ticket.status_from_record, false) as status_from_record
from tickets
left join per_ticket on tickets.ticket_id = per_ticket.ticket_id
