-- Identity: the scorecard's survey KPIs (csat_pct, nps, customer_effort_score,
-- survey_response_rate_pct, feedback_response_rate_pct) have numerator and denominator equal to
-- the same parts summed over kpi_surveys_monthly (agent x channel x segment). Counts are
-- integers; ces_score_sum is a sum of scores on the survey's scale, compared exactly as well
-- (each is a small integer or a decimal rescaled value; see the output if this ever fails).
{{ config(severity='error') }}
with

scorecard as (

    select
        month,
        kpi_id,
        numerator,
        denominator
    from {{ ref('kpi_scorecard_monthly') }}
    where kpi_id in (
        'csat_pct', 'nps', 'customer_effort_score', 'survey_response_rate_pct',
        'feedback_response_rate_pct'
    )

),

detail as (

    select
        month,
        sum(csat_positive_count) as csat_positive_count,
        sum(csat_answered_count) as csat_answered_count,
        sum(nps_promoters_count) - sum(nps_detractors_count) as nps_net_count,
        sum(nps_answered_count) as nps_answered_count,
        sum(ces_score_sum) as ces_score_sum,
        sum(ces_answered_count) as ces_answered_count,
        sum(surveys_answered_count) as surveys_answered_count,
        sum(surveys_sent_count) as surveys_sent_count,
        sum(comments_replied_count) as comments_replied_count,
        sum(comments_count) as comments_count
    from {{ ref('kpi_surveys_monthly') }}
    group by all

),

compared as (

    select
        scorecard.month,
        scorecard.kpi_id,
        scorecard.numerator,
        scorecard.denominator,
        cast(coalesce(case scorecard.kpi_id
            when 'csat_pct' then detail.csat_positive_count
            when 'nps' then detail.nps_net_count
            when 'customer_effort_score' then detail.ces_score_sum
            when 'survey_response_rate_pct' then detail.surveys_answered_count
            when 'feedback_response_rate_pct' then detail.comments_replied_count
        end, 0) as double) as detail_numerator,
        cast(coalesce(case scorecard.kpi_id
            when 'csat_pct' then detail.csat_answered_count
            when 'nps' then detail.nps_answered_count
            when 'customer_effort_score' then detail.ces_answered_count
            when 'survey_response_rate_pct' then detail.surveys_sent_count
            when 'feedback_response_rate_pct' then detail.comments_count
        end, 0) as double) as detail_denominator
    from scorecard
    left join detail on scorecard.month = detail.month

)

select *
from compared
where
    numerator is distinct from detail_numerator
    or denominator is distinct from detail_denominator
