-- The web sessions an incremental build recomputes: int_web_sessions__sessionised deletes these
-- sessions' rows and computes them again from stg_web__web_events (already brought up to date).
-- A session's row is an aggregate of the events carrying its session_id, so it changes exactly
-- when one of its events changes, arrives, vanishes or moves to another session: every session
-- named by any raw version of an affected event (old and new session alike), and by a retracted
-- row (its version is gone from the raw table). Sessions of a backfilled month are included
-- through their events. See DECISIONS.md "Incremental: web sessions".
with

affected_events as (

    select event_id from {{ ref('int_affected__web_events') }}

),

raw_web_events as (

    select
        event_id,
        session_id
    from {{ source('web', 'web_events') }}

),

retracted_rows as (

    select record
    from {{ ref('int_affected__retracted_rows') }}
    where
        source_name = 'web'
        and entity_name = 'web_events'

),

-- every session any version of an affected event names
sessions_of_affected_events as (

    select raw_web_events.session_id
    from raw_web_events
    where raw_web_events.event_id in (select affected_events.event_id from affected_events)

),

-- the session of a replaced version (that row is no longer in the raw table)
sessions_of_retracted_rows as (

    select cast({{ json_text('record', 'session_id') }} as string) as session_id
    from retracted_rows

),

affected as (

    select session_id from sessions_of_affected_events
    where session_id is not null
    union
    select session_id from sessions_of_retracted_rows
    where session_id is not null

)

select session_id from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
