-- One row per survey sent (csat, nps, ces), answered or not, with its score on its own scale and
-- mapped (score_normalized 0-1, csat positive, nps category, ces on 1-7; rules in
-- int_survey_responses__scored). segment = the customer's current segment (dim_customers).
-- Months are in the reporting time zone. No comment text: has_comment only.
-- Incremental: key = response_id; the responses of int_affected__survey_response_facts (changed
-- responses and the responses of changed customers) lose their rows and are joined again.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__survey_response_facts', 'key': ['response_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__survey_response_facts') }}
with

responses as (

    select
        response_id,
        survey_type,
        source_system,
        sent_at,
        sent_month,
        responded_at,
        responded_month,
        is_answered,
        score,
        scale_min,
        scale_max,
        score_normalized,
        is_csat_positive,
        nps_category,
        ces_score_1_to_7,
        customer_id,
        ticket_id,
        call_id,
        agent_id,
        channel,
        has_comment,
        comment_replied_at,
        is_comment_replied
    from {{ ref('int_survey_responses__scored') }}
    {% if is_incremental() -%}
        where response_id in (
            select affected.response_id from {{ ref('int_affected__survey_response_facts') }} as affected
        )
    {%- endif %}

),

customers as (

    select
        customer_id,
        segment
    from {{ ref('dim_customers') }}

)

select
    responses.response_id,
    responses.survey_type,
    responses.source_system,
    responses.sent_at,
    responses.sent_month,
    responses.responded_at,
    responses.responded_month,
    responses.is_answered,
    responses.score,
    responses.scale_min,
    responses.scale_max,
    responses.score_normalized,
    responses.is_csat_positive,
    responses.nps_category,
    responses.ces_score_1_to_7,
    responses.customer_id,
    responses.ticket_id,
    responses.call_id,
    responses.agent_id,
    responses.channel,
    customers.segment,
    responses.has_comment,
    responses.comment_replied_at,
    responses.is_comment_replied
from responses
left join customers on responses.customer_id = customers.customer_id
