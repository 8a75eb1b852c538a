-- The reporting days whose kpi_ticket_volume_daily rows an incremental build recomputes (the
-- model deletes those days' rows and aggregates them again from fct_tickets): every day a
-- recomputed ticket (int_affected__ticket_facts) is or was created on. Its current version is one
-- of its raw rows; the version the previous build counted is a raw row too, or a row that a
-- batch after since_batch_id retracted (a replaced file). So a ticket that moves to another day,
-- or disappears, has its old day recomputed as well as its new one. With since_batch_id = 0 in
-- raw_meta.build_plan every day is affected.
with

affected_tickets as (

    select ticket_id from {{ ref('int_affected__ticket_facts') }}

),

raw_tickets as (

    select
        ticket_id,
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

-- every version of a recomputed ticket, and the versions a replaced file took away
ticket_versions as (

    select created_at
    from raw_tickets
    where ticket_id in (select affected_tickets.ticket_id from affected_tickets)
    union
    select cast({{ json_text('record', 'created_at') }} as timestamp) as created_at
    from retracted_rows

),

version_dates as (

    select distinct {{ to_reporting_date('created_at') }} as created_date
    from ticket_versions
    where created_at is not null

)

select created_date from version_dates
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
