-- The web events an incremental build recomputes: stg_web__web_events deletes these events' rows
-- and computes them again from all their raw rows. An event's row depends only on its own raw
-- rows (the latest version of its event_id), so no widening is needed (see DECISIONS.md
-- "Incremental: web sessions"). With since_batch_id = 0 in raw_meta.build_plan every event is
-- affected (a full recompute).
with

build_plan as (

    select * from {{ ref('stg_raw_meta__build_plan') }}

),

raw_web_events as (

    select
        event_id,
        event_at,
        _batch_id
    from {{ source('web', 'web_events') }}

),

retracted_rows as (

    select record
    from {{ ref('int_affected__retracted_rows') }}
    where
        source_name = 'web'
        and entity_name = 'web_events'

),

-- a new version of the event arrived (new, late or corrected)
new_versions as (

    select event_id from raw_web_events
    where _batch_id > (select build_plan.since_batch_id from build_plan)

),

-- rows of a file replaced by a changed version: the event may have changed or vanished
retracted_keys as (

    select cast({{ json_text('record', 'event_id') }} as string) as event_id
    from retracted_rows

),

-- a monthly backfill: events of a listed reporting month (any version)
refresh_month_events as (

    select event_id from raw_web_events
    where
        substr(cast({{ to_reporting_month('event_at') }} as string), 1, 7) in (
            select {{ unnest_list('build_plan.refresh_months') }} from build_plan
        )

),

affected as (

    select event_id from new_versions
    union
    select event_id from retracted_keys
    union
    select event_id from refresh_month_events

)

select event_id from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
