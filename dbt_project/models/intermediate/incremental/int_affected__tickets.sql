-- The tickets an incremental build recomputes: every model of the helpdesk ticket family
-- (base/stg tickets and events, status changes and intervals, reply pairing, first reply, reply
-- counts, resolutions, assignments, escalations, fct_ticket_replies) deletes these tickets' rows
-- and computes them again from all their raw rows. A ticket's rows depend only on its own raw
-- rows, with one exception handled here: events are deduplicated by event_id over all files, so
-- tickets that share an event_id with an affected ticket are affected too (see DECISIONS.md
-- "Incremental: helpdesk tickets").
-- With since_batch_id = 0 in raw_meta.build_plan every ticket is affected (a full recompute).
with

build_plan as (

    select * from {{ ref('stg_raw_meta__build_plan') }}

),

raw_tickets as (

    select
        ticket_id,
        created_at,
        _batch_id
    from {{ source('helpdesk', 'tickets') }}

),

raw_ticket_events as (

    select
        event_id,
        ticket_id,
        _batch_id
    from {{ source('helpdesk', 'ticket_events') }}

),

retracted_rows as (

    select
        entity_name,
        record
    from {{ ref('int_affected__retracted_rows') }}
    where
        source_name = 'helpdesk'
        and entity_name in ('tickets', 'ticket_events')

),

-- a new version of the ticket (it may change its attributes or exclude it with its events)
new_ticket_versions as (

    select ticket_id from raw_tickets
    where _batch_id > (select build_plan.since_batch_id from build_plan)

),

-- new events, late events for old tickets included
new_events as (

    select
        event_id,
        ticket_id
    from raw_ticket_events
    where _batch_id > (select build_plan.since_batch_id from build_plan)

),

-- rows of a file replaced by a changed version: the ticket may have lost a version or events
retracted_keys as (

    select
        cast({{ json_text('record', 'ticket_id') }} as string) as ticket_id,
        case
            when entity_name = 'ticket_events' then cast({{ json_text('record', 'event_id') }} as string)
        end as event_id
    from retracted_rows

),

-- a monthly backfill: tickets created in a listed reporting month
refresh_month_tickets as (

    select ticket_id from raw_tickets
    where
        substr(cast({{ to_reporting_month('created_at') }} as string), 1, 7) in (
            select {{ unnest_list('build_plan.refresh_months') }} from build_plan
        )

),

directly_affected as (

    select ticket_id from new_ticket_versions
    union
    select ticket_id from new_events
    union
    select ticket_id from retracted_keys
    union
    select ticket_id from refresh_month_tickets

),

-- event_ids whose winning row (latest batch, then line, among non-excluded tickets) may have
-- changed: rows of them arrived or were retracted, or one of their tickets changed
touched_event_ids as (

    select event_id from new_events
    union
    select event_id
    from retracted_keys
    where event_id is not null
    union
    select raw_ticket_events.event_id
    from raw_ticket_events
    where raw_ticket_events.ticket_id in (select directly_affected.ticket_id from directly_affected)

),

-- every ticket holding a row of such an event_id: the event may move to or from it
event_sharing_tickets as (

    select raw_ticket_events.ticket_id
    from raw_ticket_events
    where raw_ticket_events.event_id in (select touched_event_ids.event_id from touched_event_ids)

),

affected_keys as (

    select ticket_id from directly_affected
    union
    select ticket_id from event_sharing_tickets

),

affected as (

    select ticket_id from affected_keys
    where ticket_id is not null

)

select ticket_id from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
