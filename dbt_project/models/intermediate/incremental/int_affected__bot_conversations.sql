-- The web bot conversations an incremental build recomputes: int_contacts__unioned deletes their
-- contact rows (stg_web__bot_conversations itself is a small table) and appends them again. A
-- conversation's contact row depends only on its own raw rows, so no widening is needed (see
-- DECISIONS.md "Incremental: contacts and interactions"). With since_batch_id = 0 in
-- raw_meta.build_plan every conversation is affected (a full recompute).
with

build_plan as (

    select * from {{ ref('stg_raw_meta__build_plan') }}

),

raw_bot_conversations as (

    select
        conversation_id,
        started_at,
        _batch_id
    from {{ source('web', 'bot_conversations') }}

),

retracted_rows as (

    select record
    from {{ ref('int_affected__retracted_rows') }}
    where
        source_name = 'web'
        and entity_name = 'bot_conversations'

),

-- a new version of the conversation arrived (new, late or corrected)
new_versions as (

    select conversation_id from raw_bot_conversations
    where _batch_id > (select build_plan.since_batch_id from build_plan)

),

-- rows of a file replaced by a changed version: the conversation may have changed or vanished
retracted_keys as (

    select cast({{ json_text('record', 'conversation_id') }} as string) as conversation_id
    from retracted_rows

),

-- a monthly backfill: bot conversations of a listed reporting month (any version)
refresh_month_bot_conversations as (

    select conversation_id from raw_bot_conversations
    where
        substr(cast({{ to_reporting_month('started_at') }} as string), 1, 7) in (
            select {{ unnest_list('build_plan.refresh_months') }} from build_plan
        )

),

affected as (

    select conversation_id from new_versions
    union
    select conversation_id from retracted_keys
    union
    select conversation_id from refresh_month_bot_conversations

)

select conversation_id from affected
{% if flags.FULL_REFRESH -%}
    -- a full refresh rebuilds every incremental model from all rows and reads no affected set
    where false
{%- endif %}
