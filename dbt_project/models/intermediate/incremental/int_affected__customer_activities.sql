-- The crm customer activities an incremental build recomputes: stg_crm__customer_activities
-- deletes their rows and computes them again. An activity's row depends only on its own raw rows,
-- so no widening is needed (see DECISIONS.md "Incremental: crm activities and orders"). With
-- since_batch_id = 0 in raw_meta.build_plan every activity is affected (a full recompute).
with

build_plan as (

    select * from {{ ref('stg_raw_meta__build_plan') }}

),

raw_customer_activities as (

    select
        activity_id,
        occurred_at,
        _batch_id
    from {{ source('crm', 'customer_activities') }}

),

retracted_rows as (

    select record
    from {{ ref('int_affected__retracted_rows') }}
    where
        source_name = 'crm'
        and entity_name = 'customer_activities'

),

-- a new version of the activity arrived (new, late or corrected)
new_versions as (

    select activity_id from raw_customer_activities
    where _batch_id > (select build_plan.since_batch_id from build_plan)

),

-- rows of a file replaced by a changed version: the activity may have changed or vanished
retracted_keys as (

    select cast({{ json_text('record', 'activity_id') }} as string) as activity_id
    from retracted_rows

),

-- a monthly backfill: customer activities of a listed reporting month (any version)
refresh_month_customer_activities as (

    select activity_id from raw_customer_activities
    where
        substr(cast({{ to_reporting_month('occurred_at') }} as string), 1, 7) in (
            select {{ unnest_list('build_plan.refresh_months') }} from build_plan
        )

),

affected as (

    select activity_id from new_versions
    union
    select activity_id from retracted_keys
    union
    select activity_id from refresh_month_customer_activities

)

select activity_id from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
