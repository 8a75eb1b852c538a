-- One row per survey sent: the latest version of each response_id (surveys have no version
-- column, so the latest load batch wins, then the latest file line). source_system comes from the
-- landing folder of _source_file (survey/qualtrics/, survey/surveymonkey/ are written by the
-- vendor adapters). Contract defaults applied: scale 1-5 for csat, 0-10 for nps, 1-7 for ces,
-- each bound separately when missing. The free-text comment (PII) never leaves staging: only
-- has_comment (a comment that is not empty after trimming) is kept.
-- Incremental: the responses of int_affected__survey_responses are deleted and computed again.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__survey_responses', 'key': ['response_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__survey_responses') }}
with

source as (

    select * from {{ source('survey', 'survey_responses') }}
    {% if is_incremental() -%}
        where response_id in (
            select affected.response_id from {{ ref('int_affected__survey_responses') }} as affected
        )
    {%- endif %}

),

latest as (

    select *
    from source
    qualify row_number() over (
        partition by response_id
        order by _batch_id desc, _source_line desc
    ) = 1

)

select
    response_id,
    survey_type,
    case
        when _source_file like 'survey/qualtrics/%' then 'qualtrics'
        when _source_file like 'survey/surveymonkey/%' then 'surveymonkey'
        else 'landing'
    end as source_system,
    sent_at,
    responded_at,
    score,
    cast(coalesce(
        scale_min,
        case survey_type when 'csat' then 1 when 'nps' then 0 when 'ces' then 1 end
    ) as bigint) as scale_min,
    cast(coalesce(
        scale_max,
        case survey_type when 'csat' then 5 when 'nps' then 10 when 'ces' then 7 end
    ) as bigint) as scale_max,
    customer_id,
    ticket_id,
    call_id,
    agent_id,
    channel,
    coalesce(nullif(trim(comment), '') is not null, false) as has_comment,
    comment_replied_at
from latest
