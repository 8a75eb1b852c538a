-- The calls an incremental build recomputes: stg_telephony__calls, int_calls__classified and
-- fct_calls delete these calls' rows and compute them again. A call's row depends only on its
-- own raw rows and static settings (vars; a changed var is a full refresh), so no widening is
-- needed (see DECISIONS.md "Incremental: telephony and surveys"). With
-- incremental_since_batch_id = 0 every call is affected (a full recompute).
with

raw_calls as (

    select
        call_id,
        arrived_at,
        _batch_id
    from {{ source('telephony', 'calls') }}

),

retracted_rows as (

    select record
    from {{ ref('stg_raw_meta__retracted_rows') }}
    where
        source_name = 'telephony'
        and entity_name = 'calls'
        and retracted_by_batch_id > {{ var('incremental_since_batch_id') }}

),

-- a new version of the call arrived (new, late or corrected)
new_versions as (

    select call_id from raw_calls
    where _batch_id > {{ var('incremental_since_batch_id') }}

),

-- rows of a file replaced by a changed version: the call may have changed or vanished
retracted_keys as (

    select cast(record ->> 'call_id' as varchar) as call_id
    from retracted_rows

),

-- a monthly backfill: calls that arrived in a listed reporting month (any version)
refresh_month_calls as (

    select call_id from raw_calls
    where
        {% if var('refresh_months') | length > 0 -%}
            strftime({{ to_reporting_month('arrived_at') }}, '%Y-%m') in (
                {%- for month in var('refresh_months') -%}
                    '{{ month }}'{{ ', ' if not loop.last }}
                {%- endfor -%}
            )
        {%- else -%}
            false
        {%- endif %}

)

select call_id from new_versions
union
select call_id from retracted_keys
union
select call_id from refresh_month_calls
