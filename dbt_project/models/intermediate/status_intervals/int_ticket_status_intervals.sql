{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per status spell of a ticket: [valid_from, valid_to), valid_to null = current.
-- 'new' runs from creation to the first status change. A change stamped before creation
-- counts from creation; empty spells are dropped and consecutive spells of the same status
-- are merged, so "status at t" = the spell with valid_from <= t < valid_to. previous_status is
-- the status of the spell before (null for the first), so transitions need no second sort.
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
        change_number,
        new_status
    from {{ ref('int_ticket_status_changes') }}
    {% if is_incremental() -%}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

),

boundaries as (

    select
        ticket_id,
        'new' as status,
        created_at as valid_from,
        0 as change_number
    from tickets

    union all

    select
        status_changes.ticket_id,
        status_changes.new_status as status,
        greatest(status_changes.changed_at, tickets.created_at) as valid_from,
        status_changes.change_number
    from status_changes
    inner join tickets on status_changes.ticket_id = tickets.ticket_id

),

non_empty as (

    select
        ticket_id,
        status,
        valid_from,
        change_number
    from boundaries
    qualify coalesce(
        lead(valid_from) over (partition by ticket_id order by change_number) > valid_from,
        true
    )

),

spell_starts as (

    select
        ticket_id,
        status,
        valid_from,
        change_number
    from non_empty
    qualify status is distinct from lag(status) over (partition by ticket_id order by change_number)

)

select
    ticket_id,
    status,
    valid_from,
    lead(valid_from) over (partition by ticket_id order by change_number) as valid_to,
    lag(status) over (partition by ticket_id order by change_number) as previous_status
from spell_starts
