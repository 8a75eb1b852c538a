-- The survey responses an incremental build recomputes: stg_survey__survey_responses and
-- int_survey_responses__scored delete these responses' rows and compute them again. A response's
-- row there depends only on its own raw rows and vars, so no widening is needed
-- (fct_survey_responses, which also reads the customer's segment, widens it in
-- int_affected__survey_response_facts). With
-- since_batch_id = 0 in raw_meta.build_plan every response is affected (a full recompute).
with

build_plan as (

    select * from {{ ref('stg_raw_meta__build_plan') }}

),

raw_responses as (

    select
        response_id,
        sent_at,
        _batch_id
    from {{ source('survey', 'survey_responses') }}

),

retracted_rows as (

    select record
    from {{ ref('int_affected__retracted_rows') }}
    where
        source_name = 'survey'
        and entity_name = 'survey_responses'

),

-- a new version of the response arrived (new, late or corrected)
new_versions as (

    select response_id from raw_responses
    where _batch_id > (select build_plan.since_batch_id from build_plan)

),

-- rows of a file replaced by a changed version: the response may have changed or vanished
retracted_keys as (

    select cast({{ json_text('record', 'response_id') }} as string) as response_id
    from retracted_rows

),

-- a monthly backfill: responses sent in a listed reporting month (any version)
refresh_month_responses as (

    select response_id from raw_responses
    where
        substr(cast({{ to_reporting_month('sent_at') }} as string), 1, 7) in (
            select {{ unnest_list('build_plan.refresh_months') }} from build_plan
        )

),

affected as (

    select response_id from new_versions
    union
    select response_id from retracted_keys
    union
    select response_id from refresh_month_responses

)

select response_id from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
