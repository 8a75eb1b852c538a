-- Scorecard family "social" in long form (month, kpi_id, numerator, denominator, value), summed
-- from int_social__network_daily (so the scorecard equals the network x day table rolled up):
--   helpdesk months (int_kpi__helpdesk_months), social tickets = fct_tickets with channel social:
--     social_tickets                          social tickets created in m (count)
--     social_first_response_time_avg_minutes  sum first_response_minutes / tickets with a first
--                                             reply, created in m (first_response_time_avg_minutes
--                                             restricted to social)
--     social_resolution_sla_pct               resolution SLA met / tickets first resolved in m x 100
--                                             (resolution_sla_pct restricted to social)
--   web months (int_web__months):
--     social_engagement_actions     inbound likes and shares + inbound mentions, comments and
--                                   replies with positive sentiment (count)
--     social_negative_feedback_pct  inbound mentions, comments, direct messages and replies with
--                                   negative sentiment / those with a sentiment x 100
--     social_bot_resolved           bot conversations started in m on twitter, facebook,
--                                   instagram or whatsapp with outcome resolved (count)
-- Zero denominator -> null value.
with

helpdesk_months as (

    select month from {{ ref('int_kpi__helpdesk_months') }}

),

web_months as (

    select month from {{ ref('int_web__months') }}

),

daily as (

    select
        activity_date,
        engagement_actions_count,
        negative_feedback_count,
        feedback_with_sentiment_count,
        social_tickets_count,
        first_response_count,
        first_response_minutes_sum,
        first_resolved_count,
        resolution_sla_met_count,
        social_bot_resolved_count
    from {{ ref('int_social__network_daily') }}

),

by_month as (

    select
        cast(date_trunc('month', activity_date) as date) as month,
        sum(engagement_actions_count) as engagement_actions_count,
        sum(negative_feedback_count) as negative_feedback_count,
        sum(feedback_with_sentiment_count) as feedback_with_sentiment_count,
        sum(social_tickets_count) as social_tickets_count,
        sum(first_response_count) as first_response_count,
        {{ exact_minutes_sum('first_response_minutes_sum') }} as first_response_minutes_sum,
        sum(first_resolved_count) as first_resolved_count,
        sum(resolution_sla_met_count) as resolution_sla_met_count,
        sum(social_bot_resolved_count) as social_bot_resolved_count
    from daily
    group by all

),

ticket_monthly as (

    select
        helpdesk_months.month,
        coalesce(by_month.social_tickets_count, 0) as social_tickets_count,
        coalesce(by_month.first_response_count, 0) as first_response_count,
        coalesce(by_month.first_response_minutes_sum, 0) as first_response_minutes_sum,
        coalesce(by_month.first_resolved_count, 0) as first_resolved_count,
        coalesce(by_month.resolution_sla_met_count, 0) as resolution_sla_met_count
    from helpdesk_months
    left join by_month on helpdesk_months.month = by_month.month

),

web_monthly as (

    select
        web_months.month,
        coalesce(by_month.engagement_actions_count, 0) as engagement_actions_count,
        coalesce(by_month.negative_feedback_count, 0) as negative_feedback_count,
        coalesce(by_month.feedback_with_sentiment_count, 0) as feedback_with_sentiment_count,
        coalesce(by_month.social_bot_resolved_count, 0) as social_bot_resolved_count
    from web_months
    left join by_month on web_months.month = by_month.month

),

long_form as (

    select
        month,
        'social_tickets' as kpi_id,
        social_tickets_count as numerator,
        null as denominator,
        'count' as kind
    from ticket_monthly
    union all
    select
        month,
        'social_first_response_time_avg_minutes' as kpi_id,
        first_response_minutes_sum as numerator,
        first_response_count as denominator,
        'mean' as kind
    from ticket_monthly
    union all
    select
        month,
        'social_resolution_sla_pct' as kpi_id,
        resolution_sla_met_count as numerator,
        first_resolved_count as denominator,
        'percent' as kind
    from ticket_monthly
    union all
    select
        month,
        'social_engagement_actions' as kpi_id,
        engagement_actions_count as numerator,
        null as denominator,
        'count' as kind
    from web_monthly
    union all
    select
        month,
        'social_negative_feedback_pct' as kpi_id,
        negative_feedback_count as numerator,
        feedback_with_sentiment_count as denominator,
        'percent' as kind
    from web_monthly
    union all
    select
        month,
        'social_bot_resolved' as kpi_id,
        social_bot_resolved_count as numerator,
        null as denominator,
        'count' as kind
    from web_monthly

)

select
    month,
    kpi_id,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(case
        when kind = 'count' then numerator
        when denominator <> 0 and kind = 'percent' then 100.0 * numerator / denominator
        when denominator <> 0 then numerator / denominator
    end as double) as value
from long_form
