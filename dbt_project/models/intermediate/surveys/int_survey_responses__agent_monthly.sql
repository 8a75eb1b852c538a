-- CSAT per month (of responded_at) x agent the survey was about, for the agent leaderboard:
-- answered csat surveys with a score and the positive ones. Surveys without agent_id are left out.
with

responses as (

    select
        responded_month,
        agent_id,
        is_csat_positive
    from {{ ref('fct_survey_responses') }}
    where survey_type = 'csat' and is_csat_positive is not null and agent_id is not null

)

select
    responded_month as month,
    agent_id,
    count(*) as csat_answered_count,
    count(*) filter (where is_csat_positive) as csat_positive_count
from responses
group by all
