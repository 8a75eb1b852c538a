{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per ticket: business minutes from creation to the first reply and to the first
-- resolution, as F(end) - F(start) over int_business_hours__windows. Exact differences of whole
-- microseconds: they depend neither on where the calendar starts nor on the data cut-off, only
-- on the ticket's own rows.
-- Incremental: the tickets of int_affected__tickets are deleted and computed again.
with

tickets as (

    select
        ticket_id,
        created_at
    from {{ ref('stg_helpdesk__tickets') }}
    {%- if is_incremental() %}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

),

first_replies as (

    select
        ticket_id,
        first_reply_at
    from {{ ref('int_tickets__first_reply') }}

),

resolutions as (

    select
        ticket_id,
        first_resolved_at
    from {{ ref('int_tickets__resolutions') }}

),

windows as (

    select
        window_start,
        next_window_start,
        window_microseconds,
        cumulative_microseconds_before
    from {{ ref('int_business_hours__windows') }}

),

milestones as (

    select
        tickets.ticket_id,
        tickets.created_at,
        first_replies.first_reply_at,
        resolutions.first_resolved_at
    from tickets
    left join first_replies on tickets.ticket_id = first_replies.ticket_id
    left join resolutions on tickets.ticket_id = resolutions.ticket_id

),

business_clock as (

    -- F(t) for each milestone: business microseconds from the start of the calendar to t
    select
        milestones.ticket_id,
        {{ business_clock('milestones.created_at', 'at_created') }} as clock_at_created,
        {{ business_clock('milestones.first_reply_at', 'at_reply') }} as clock_at_first_reply,
        {{ business_clock('milestones.first_resolved_at', 'at_resolved') }} as clock_at_first_resolution
    from milestones
    {{ asof_join('left', 'windows', 'at_created', '', 'milestones.created_at', 'window_start', 'next_window_start') }}
    {{ asof_join('left', 'windows', 'at_reply', '', 'milestones.first_reply_at', 'window_start', 'next_window_start') }}
    {{ asof_join(
        'left', 'windows', 'at_resolved', '', 'milestones.first_resolved_at', 'window_start', 'next_window_start'
    ) }}

)

select
    ticket_id,
    (clock_at_first_reply - clock_at_created) / 60000000.0 as first_response_business_minutes,
    (clock_at_first_resolution - clock_at_created) / 60000000.0 as first_resolution_business_minutes
from business_clock
