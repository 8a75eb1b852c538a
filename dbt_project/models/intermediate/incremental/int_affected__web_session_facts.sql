-- The web sessions whose deflection follow-up and fct_web_sessions row an incremental build
-- recomputes (int_web_sessions__ticket_follow_up and fct_web_sessions delete their rows and
-- compute them again): the sessions whose own events changed (int_affected__web_sessions), and
-- the sessions whose first ticket within 24 h may have changed: a logged-in customer's session
-- started in the 24 h up to the creation of a recomputed ticket (int_affected__tickets), for every
-- version of that ticket — each raw row and each row a replaced file took away — so the old
-- requester and creation time count as well as the new (see DECISIONS.md "Incremental: web
-- sessions"). With since_batch_id = 0 in raw_meta.build_plan every session is affected.
with

affected_sessions as (

    select session_id from {{ ref('int_affected__web_sessions') }}

),

affected_tickets as (

    select ticket_id from {{ ref('int_affected__tickets') }}

),

raw_tickets as (

    select
        ticket_id,
        requester_id,
        created_at
    from {{ source('helpdesk', 'tickets') }}

),

retracted_rows as (

    select record
    from {{ ref('int_affected__retracted_rows') }}
    where
        source_name = 'helpdesk'
        and entity_name = 'tickets'

),

sessions as (

    select
        session_id,
        customer_id,
        started_at
    from {{ ref('int_web_sessions__sessionised') }}
    where customer_id is not null

),

-- every version of a recomputed ticket, and the versions a replaced file took away
ticket_versions as (

    select
        requester_id,
        created_at
    from raw_tickets
    where ticket_id in (select affected_tickets.ticket_id from affected_tickets)
    union
    select
        cast({{ json_text('record', 'requester_id') }} as string) as requester_id,
        cast({{ json_text('record', 'created_at') }} as timestamp) as created_at
    from retracted_rows

),

-- the sessions such a version is (or was) the follow-up of: the join of
-- int_web_sessions__ticket_follow_up
follow_up_sessions as (

    select sessions.session_id
    from sessions
    inner join ticket_versions
        on
            sessions.customer_id = ticket_versions.requester_id
            and sessions.started_at <= ticket_versions.created_at
            and sessions.started_at + interval 24 hour >= ticket_versions.created_at

),

affected as (

    select session_id from affected_sessions
    union
    select session_id from follow_up_sessions

)

select session_id from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
