-- Identity: where the agent leaderboard's parts are additive over agents, the scorecard equals
-- (or bounds) their sum over kpi_agent_leaderboard_monthly:
--   internal_quality_score_pct numerator / denominator = sum of quality_weighted_score_sum /
--     quality_weighted_max_score_sum (every review has an agent) — weighted sums of scores may be
--     fractional doubles, so relative tolerance 1e-9 (see assert_scorecard_social_equals_social_daily);
--   calls answered by agents <= answered calls (average_speed_of_answer_seconds denominator):
--     a call answered with no agent leg is in the scorecard, in no agent's row;
--   csat answered / positive over agents <= the scorecard's csat_pct denominator / numerator:
--     a survey about no agent is in the scorecard only.
{{ config(severity='error') }}
with

scorecard as (

    select
        month,
        kpi_id,
        numerator,
        denominator
    from {{ ref('kpi_scorecard_monthly') }}
    where kpi_id in ('internal_quality_score_pct', 'average_speed_of_answer_seconds', 'csat_pct')

),

agents as (

    select
        month,
        sum(quality_weighted_score_sum) as quality_weighted_score_sum,
        sum(quality_weighted_max_score_sum) as quality_weighted_max_score_sum,
        sum(calls_answered_count) as calls_answered_count,
        sum(csat_answered_count) as csat_answered_count,
        sum(csat_positive_count) as csat_positive_count
    from {{ ref('kpi_agent_leaderboard_monthly') }}
    group by all

),

compared as (

    select
        scorecard.month,
        scorecard.kpi_id,
        scorecard.numerator,
        scorecard.denominator,
        cast(coalesce(case scorecard.kpi_id
            when 'internal_quality_score_pct' then agents.quality_weighted_score_sum
            when 'csat_pct' then agents.csat_positive_count
        end, 0) as double) as agent_numerator,
        cast(coalesce(case scorecard.kpi_id
            when 'internal_quality_score_pct' then agents.quality_weighted_max_score_sum
            when 'average_speed_of_answer_seconds' then agents.calls_answered_count
            when 'csat_pct' then agents.csat_answered_count
        end, 0) as double) as agent_denominator
    from scorecard
    left join agents on scorecard.month = agents.month

)

select *
from compared
where
    (
        kpi_id = 'internal_quality_score_pct'
        and (
            abs(numerator - agent_numerator) > 1e-9 * greatest(abs(numerator), abs(agent_numerator))
            or abs(denominator - agent_denominator)
            > 1e-9 * greatest(abs(denominator), abs(agent_denominator))
        )
    )
    or (kpi_id = 'average_speed_of_answer_seconds' and agent_denominator > denominator)
    or (kpi_id = 'csat_pct' and (agent_numerator > numerator or agent_denominator > denominator))
