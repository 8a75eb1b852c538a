-- The calls an incremental build recomputes: stg_telephony__calls, int_calls__classified and
-- fct_calls delete these calls' rows and compute them again. A call's row depends only on its
-- own raw rows and static settings (vars; a changed var is a full refresh), so no widening is
-- needed (see DECISIONS.md "Incremental: telephony and surveys"). With
-- since_batch_id = 0 in raw_meta.build_plan every call is affected (a full recompute).
with

build_plan as (

    select * from {{ ref('stg_raw_meta__build_plan') }}

),

raw_calls as (

    select
        call_id,
        arrived_at,
        _batch_id
    from {{ source('telephony', 'calls') }}

),

retracted_rows as (

    select record
    from {{ ref('int_affected__retracted_rows') }}
    where
        source_name = 'telephony'
        and entity_name = 'calls'

),

-- a new version of the call arrived (new, late or corrected)
new_versions as (

    select call_id from raw_calls
    where _batch_id > (select build_plan.since_batch_id from build_plan)

),

-- rows of a file replaced by a changed version: the call may have changed or vanished
retracted_keys as (

    select cast({{ json_text('record', 'call_id') }} as string) as call_id
    from retracted_rows

),

-- a monthly backfill: calls that arrived in a listed reporting month (any version)
refresh_month_calls as (

    select call_id from raw_calls
    where
        substr(cast({{ to_reporting_month('arrived_at') }} as string), 1, 7) in (
            select {{ unnest_list('build_plan.refresh_months') }} from build_plan
        )

),

affected as (

    select call_id from new_versions
    union
    select call_id from retracted_keys
    union
    select call_id from refresh_month_calls

)

select call_id from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
