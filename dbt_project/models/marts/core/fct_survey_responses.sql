-- One row per survey sent (csat, nps, ces), answered or not, with its score on its own scale and
-- mapped (score_normalized 0-1, csat positive, nps category, ces on 1-7; rules in
-- int_survey_responses__scored). segment = the customer's current segment (dim_customers).
-- Months are in the reporting time zone. No comment text: has_comment only.
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
