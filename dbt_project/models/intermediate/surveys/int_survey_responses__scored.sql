-- One row per survey sent with its score read on the survey's own scale. A survey is answered when
-- it has responded_at; score KPIs also need a score (an answer without a score, e.g. only a
-- comment, counts for the response rate but not for CSAT / NPS / CES). Thresholds are compared in
-- cross-multiplied form (exact for the integer scales, no floating-point error at the boundary):
--   csat positive  (score - min) / (max - min) >= 0.75      <=> 4 (score - min) >= 3 (max - min)
--   nps            score mapped linearly onto 0-10: promoter >= 9, detractor < 7, else passive
--                  (on the 0-10 scale: 9-10 promoter, 7-8 passive, 0-6 detractor)
--   ces            mapped linearly onto 1-7: 1 + 6 (score - min) / (max - min)
-- A scale with max = min cannot place a score: normalized score and categories are null.
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

responses as (

    select
        response_id,
        survey_type,
        source_system,
        sent_at,
        responded_at,
        score,
        scale_min,
        scale_max,
        customer_id,
        ticket_id,
        call_id,
        agent_id,
        channel,
        has_comment,
        comment_replied_at
    from {{ ref('stg_survey__survey_responses') }}
    {% if is_incremental() -%}
        where response_id in (
            select affected.response_id from {{ ref('int_affected__survey_responses') }} as affected
        )
    {%- endif %}

),

scored as (

    select
        *,
        responded_at is not null as is_answered,
        responded_at is not null and score is not null and scale_max > scale_min as is_scored,
        score - scale_min as score_above_min,
        scale_max - scale_min as scale_range
    from responses

)

select
    response_id,
    survey_type,
    source_system,
    sent_at,
    {{ to_reporting_month('sent_at') }} as sent_month,
    responded_at,
    {{ to_reporting_month('responded_at') }} as responded_month,
    is_answered,
    score,
    scale_min,
    scale_max,
    case when is_scored then score_above_min / scale_range end as score_normalized,
    case when survey_type = 'csat' and is_scored then 4 * score_above_min >= 3 * scale_range end
        as is_csat_positive,
    case
        when survey_type <> 'nps' or not is_scored then null
        when 10 * score_above_min >= 9 * scale_range then 'promoter'
        when 10 * score_above_min < 7 * scale_range then 'detractor'
        else 'passive'
    end as nps_category,
    case when survey_type = 'ces' and is_scored then 1 + 6 * score_above_min / scale_range end
        as ces_score_1_to_7,
    customer_id,
    ticket_id,
    call_id,
    agent_id,
    channel,
    has_comment,
    comment_replied_at,
    is_answered and has_comment and comment_replied_at is not null as is_comment_replied
from scored
