-- Social-media figures per network x day (reporting time zone), from int_social__network_daily:
-- interactions by direction and type, inbound sentiment, engagement actions, negative feedback,
-- questions, interactions that became tickets, social-channel tickets (created, first response,
-- resolution SLA) and social bot conversations. Every ratio beside its additive parts (null on a
-- zero denominator); summed over networks and the days of a month they give the scorecard's
-- social family.
with

daily as (

    select * from {{ ref('int_social__network_daily') }}

)

select
    activity_date,
    cast(date_trunc('month', activity_date) as date) as activity_month,
    network,
    inbound_count,
    outbound_count,
    inbound_mention_count,
    inbound_comment_count,
    inbound_direct_message_count,
    inbound_reply_count,
    inbound_like_count,
    inbound_share_count,
    outbound_mention_count,
    outbound_comment_count,
    outbound_direct_message_count,
    outbound_reply_count,
    outbound_like_count,
    outbound_share_count,
    inbound_positive_count,
    inbound_neutral_count,
    inbound_negative_count,
    engagement_actions_count,
    negative_feedback_count,
    feedback_with_sentiment_count,
    case
        when feedback_with_sentiment_count > 0 then 100.0 * negative_feedback_count / feedback_with_sentiment_count
    end as negative_feedback_pct,
    questions_count,
    technical_questions_count,
    interactions_to_ticket_count,
    social_tickets_count,
    first_response_count,
    first_response_minutes_sum,
    case
        when first_response_count > 0 then first_response_minutes_sum / first_response_count
    end as first_response_time_avg_minutes,
    first_resolved_count,
    resolution_sla_met_count,
    case when first_resolved_count > 0 then 100.0 * resolution_sla_met_count / first_resolved_count end
        as resolution_sla_pct,
    social_bot_conversations_count,
    social_bot_resolved_count
from daily
