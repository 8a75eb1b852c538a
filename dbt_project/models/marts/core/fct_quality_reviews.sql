-- One row per internal quality review x criterion. weighted_score = score x weight and
-- weighted_max_score = max_score x weight, so IQS % of any group of rows is
-- 100 x sum(weighted_score) / sum(weighted_max_score). reviewed_month in the reporting time zone.
with

reviews as (

    select
        review_id,
        criterion,
        agent_id,
        ticket_id,
        call_id,
        reviewer_id,
        reviewed_at,
        score,
        max_score,
        weight
    from {{ ref('stg_survey__quality_reviews') }}

)

select
    review_id,
    criterion,
    agent_id,
    ticket_id,
    call_id,
    reviewer_id,
    reviewed_at,
    {{ to_reporting_month('reviewed_at') }} as reviewed_month,
    score,
    max_score,
    weight,
    score * weight as weighted_score,
    max_score * weight as weighted_max_score
from reviews
