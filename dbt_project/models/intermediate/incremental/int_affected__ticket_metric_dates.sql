-- The reporting days whose kpi_ticket_times_daily rows an incremental build recomputes (the
-- model deletes those days' rows and aggregates them again): every day on which a recomputed
-- ticket (int_affected__ticket_facts) has or had an instant that can carry one of its measures.
-- A first response sits on the ticket's created day (int_affected__ticket_created_dates: every
-- version, retracted ones included); a reply and a first resolution sit on the day of one of the
-- ticket's events. The events the previous build used are raw rows of the ticket, or rows a batch
-- after since_batch_id retracted (a replaced file), so every event day of the ticket, raw or
-- retracted, covers both the day a measure was counted on and the day it moves to. It lists more
-- days than the measures use (any event day), never fewer. With since_batch_id = 0 every day.
with

affected_tickets as (

    select ticket_id from {{ ref('int_affected__ticket_facts') }}

),

created_dates as (

    select created_date from {{ ref('int_affected__ticket_created_dates') }}

),

raw_ticket_events as (

    select
        ticket_id,
        occurred_at
    from {{ source('helpdesk', 'ticket_events') }}

),

retracted_rows as (

    select record
    from {{ ref('int_affected__retracted_rows') }}
    where
        source_name = 'helpdesk'
        and entity_name = 'ticket_events'

),

-- every event of a recomputed ticket, and the events a replaced file took away
event_instants as (

    select occurred_at
    from raw_ticket_events
    where ticket_id in (select affected_tickets.ticket_id from affected_tickets)
    union
    select cast({{ json_text('record', 'occurred_at') }} as timestamp) as occurred_at
    from retracted_rows

),

metric_dates as (

    select created_date as metric_date from created_dates
    union
    select {{ to_reporting_date('occurred_at') }} as metric_date
    from event_instants
    where occurred_at is not null

)

select metric_date from metric_dates
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
