-- Identity: the scorecard's social KPIs have numerator and denominator equal to the same parts
-- summed over kpi_social_daily (network x day) by activity_month. Counts are compared exactly;
-- first_response_minutes_sum is a sum of double minutes whose summation order the database may
-- choose, so it is compared with a relative tolerance of 1e-9 (a double sum of n terms is off by
-- at most about n x 1.1e-16 relative: 1e-9 covers millions of terms, while one minute more or less
-- on a month of social tickets is a relative change far above 1e-9).
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
        'social_tickets', 'social_first_response_time_avg_minutes', 'social_resolution_sla_pct',
        'social_engagement_actions', 'social_negative_feedback_pct', 'social_bot_resolved'
    )

),

detail as (

    select
        activity_month as month,
        sum(social_tickets_count) as social_tickets_count,
        sum(first_response_minutes_sum) as first_response_minutes_sum,
        sum(first_response_count) as first_response_count,
        sum(resolution_sla_met_count) as resolution_sla_met_count,
        sum(first_resolved_count) as first_resolved_count,
        sum(engagement_actions_count) as engagement_actions_count,
        sum(negative_feedback_count) as negative_feedback_count,
        sum(feedback_with_sentiment_count) as feedback_with_sentiment_count,
        sum(social_bot_resolved_count) as social_bot_resolved_count
    from {{ ref('kpi_social_daily') }}
    group by all

),

compared as (

    select
        scorecard.month,
        scorecard.kpi_id,
        scorecard.numerator,
        scorecard.denominator,
        cast(coalesce(case scorecard.kpi_id
            when 'social_tickets' then detail.social_tickets_count
            when 'social_first_response_time_avg_minutes' then detail.first_response_minutes_sum
            when 'social_resolution_sla_pct' then detail.resolution_sla_met_count
            when 'social_engagement_actions' then detail.engagement_actions_count
            when 'social_negative_feedback_pct' then detail.negative_feedback_count
            when 'social_bot_resolved' then detail.social_bot_resolved_count
        end, 0) as double) as detail_numerator,
        cast(case scorecard.kpi_id
            when 'social_first_response_time_avg_minutes' then coalesce(detail.first_response_count, 0)
            when 'social_resolution_sla_pct' then coalesce(detail.first_resolved_count, 0)
            when 'social_negative_feedback_pct' then coalesce(detail.feedback_with_sentiment_count, 0)
        end as double) as detail_denominator
    from scorecard
    left join detail on scorecard.month = detail.month

)

select *
from compared
where
    (
        kpi_id = 'social_first_response_time_avg_minutes'
        and abs(numerator - detail_numerator) > 1e-9 * greatest(abs(numerator), abs(detail_numerator))
    )
    or (kpi_id <> 'social_first_response_time_avg_minutes' and numerator is distinct from detail_numerator)
    or denominator is distinct from detail_denominator
