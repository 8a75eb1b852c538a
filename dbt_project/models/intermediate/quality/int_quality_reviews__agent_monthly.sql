-- Internal quality per month (of reviewed_at) x reviewed agent, for the agent leaderboard:
-- weighted score and weighted maximum summed over every criterion of the agent's reviews.
with

reviews as (

    select
        reviewed_month,
        agent_id,
        review_id,
        weighted_score,
        weighted_max_score
    from {{ ref('fct_quality_reviews') }}

)

select
    reviewed_month as month,
    agent_id,
    count(distinct review_id) as quality_reviews_count,
    cast({{ exact_decimal_sum('weighted_score') }} as double) as weighted_score_sum,
    cast({{ exact_decimal_sum('weighted_max_score') }} as double) as weighted_max_score_sum
from reviews
group by all
