-- Social-media figures per network x day (reporting time zone), all additive, the single base of
-- mart.kpi_social_daily and the scorecard family int_scorecard__social. A row exists for every
-- (day, network) with a social interaction, a social ticket event counted below or a social bot
-- conversation.
--   interactions (stg_web__social_interactions, day of occurred_at): by direction x type;
--     sentiment counts over inbound interactions; engagement actions (kpis.md) = inbound likes and
--     shares + inbound mentions, comments and replies with positive sentiment; negative feedback =
--     inbound mentions, comments, direct messages and replies with negative sentiment, over those
--     with a sentiment; questions = inbound with is_question, technical = of those is_technical;
--     interactions that became a ticket = any direction with a ticket_id.
--   social tickets (fct_tickets, channel social; network = social_network, 'unknown' when
--     missing): created that day; first response = helpdesk's first_response_time_avg_minutes
--     parts over tickets created that day; resolution SLA = resolution_sla_pct parts over tickets
--     first resolved that day.
--   social bots (stg_web__bot_conversations on twitter, facebook, instagram or whatsapp; network =
--     channel): started that day, and of those resolved.
with

interactions as (

    select
        {{ to_reporting_date('occurred_at') }} as activity_date,
        network,
        interaction_type,
        direction,
        sentiment,
        is_question,
        is_technical,
        ticket_id
    from {{ ref('stg_web__social_interactions') }}

),

social_tickets as (

    select
        created_date,
        first_resolved_at,
        coalesce(social_network, 'unknown') as network,
        first_response_minutes,
        is_resolution_sla_met
    from {{ ref('fct_tickets') }}
    where channel = 'social'

),

bot_conversations as (

    select
        {{ to_reporting_date('started_at') }} as activity_date,
        channel as network,
        outcome
    from {{ ref('stg_web__bot_conversations') }}
    where channel in ('twitter', 'facebook', 'instagram', 'whatsapp')

),

interaction_days as (

    select
        activity_date,
        network,
        count(*) filter (where direction = 'inbound') as inbound_count,
        count(*) filter (where direction = 'outbound') as outbound_count,
        count(*) filter (where direction = 'inbound' and interaction_type = 'mention') as inbound_mention_count,
        count(*) filter (where direction = 'inbound' and interaction_type = 'comment') as inbound_comment_count,
        count(*) filter (
            where direction = 'inbound' and interaction_type = 'direct_message'
        ) as inbound_direct_message_count,
        count(*) filter (where direction = 'inbound' and interaction_type = 'reply') as inbound_reply_count,
        count(*) filter (where direction = 'inbound' and interaction_type = 'like') as inbound_like_count,
        count(*) filter (where direction = 'inbound' and interaction_type = 'share') as inbound_share_count,
        count(*) filter (where direction = 'outbound' and interaction_type = 'mention') as outbound_mention_count,
        count(*) filter (where direction = 'outbound' and interaction_type = 'comment') as outbound_comment_count,
        count(*) filter (
            where direction = 'outbound' and interaction_type = 'direct_message'
        ) as outbound_direct_message_count,
        count(*) filter (where direction = 'outbound' and interaction_type = 'reply') as outbound_reply_count,
        count(*) filter (where direction = 'outbound' and interaction_type = 'like') as outbound_like_count,
        count(*) filter (where direction = 'outbound' and interaction_type = 'share') as outbound_share_count,
        count(*) filter (where direction = 'inbound' and sentiment = 'positive') as inbound_positive_count,
        count(*) filter (where direction = 'inbound' and sentiment = 'neutral') as inbound_neutral_count,
        count(*) filter (where direction = 'inbound' and sentiment = 'negative') as inbound_negative_count,
        count(*) filter (
            where direction = 'inbound'
            and (
                interaction_type in ('like', 'share')
                or (interaction_type in ('mention', 'comment', 'reply') and sentiment = 'positive')
            )
        ) as engagement_actions_count,
        count(*) filter (
            where direction = 'inbound'
            and interaction_type in ('mention', 'comment', 'direct_message', 'reply')
            and sentiment = 'negative'
        ) as negative_feedback_count,
        count(*) filter (
            where direction = 'inbound'
            and interaction_type in ('mention', 'comment', 'direct_message', 'reply')
            and sentiment is not null
        ) as feedback_with_sentiment_count,
        count(*) filter (where direction = 'inbound' and is_question) as questions_count,
        count(*) filter (where direction = 'inbound' and is_question and is_technical) as technical_questions_count,
        count(*) filter (where ticket_id is not null) as interactions_to_ticket_count
    from interactions
    group by all

),

ticket_created_days as (

    select
        created_date as activity_date,
        network,
        count(*) as social_tickets_count,
        count(first_response_minutes) as first_response_count,
        coalesce({{ exact_minutes_sum('first_response_minutes') }}, 0) as first_response_minutes_sum
    from social_tickets
    group by all

),

ticket_resolved_days as (

    select
        {{ to_reporting_date('first_resolved_at') }} as activity_date,
        network,
        count(*) as first_resolved_count,
        count(*) filter (where is_resolution_sla_met) as resolution_sla_met_count
    from social_tickets
    where first_resolved_at is not null
    group by all

),

bot_days as (

    select
        activity_date,
        network,
        count(*) as social_bot_conversations_count,
        count(*) filter (where outcome = 'resolved') as social_bot_resolved_count
    from bot_conversations
    group by all

),

grid as (

    select
        activity_date,
        network
    from interaction_days
    union
    select
        activity_date,
        network
    from ticket_created_days
    union
    select
        activity_date,
        network
    from ticket_resolved_days
    union
    select
        activity_date,
        network
    from bot_days

)

select
    grid.activity_date,
    grid.network,
    coalesce(i.inbound_count, 0) as inbound_count,
    coalesce(i.outbound_count, 0) as outbound_count,
    coalesce(i.inbound_mention_count, 0) as inbound_mention_count,
    coalesce(i.inbound_comment_count, 0) as inbound_comment_count,
    coalesce(i.inbound_direct_message_count, 0) as inbound_direct_message_count,
    coalesce(i.inbound_reply_count, 0) as inbound_reply_count,
    coalesce(i.inbound_like_count, 0) as inbound_like_count,
    coalesce(i.inbound_share_count, 0) as inbound_share_count,
    coalesce(i.outbound_mention_count, 0) as outbound_mention_count,
    coalesce(i.outbound_comment_count, 0) as outbound_comment_count,
    coalesce(i.outbound_direct_message_count, 0) as outbound_direct_message_count,
    coalesce(i.outbound_reply_count, 0) as outbound_reply_count,
    coalesce(i.outbound_like_count, 0) as outbound_like_count,
    coalesce(i.outbound_share_count, 0) as outbound_share_count,
    coalesce(i.inbound_positive_count, 0) as inbound_positive_count,
    coalesce(i.inbound_neutral_count, 0) as inbound_neutral_count,
    coalesce(i.inbound_negative_count, 0) as inbound_negative_count,
    coalesce(i.engagement_actions_count, 0) as engagement_actions_count,
    coalesce(i.negative_feedback_count, 0) as negative_feedback_count,
    coalesce(i.feedback_with_sentiment_count, 0) as feedback_with_sentiment_count,
    coalesce(i.questions_count, 0) as questions_count,
    coalesce(i.technical_questions_count, 0) as technical_questions_count,
    coalesce(i.interactions_to_ticket_count, 0) as interactions_to_ticket_count,
    coalesce(c.social_tickets_count, 0) as social_tickets_count,
    coalesce(c.first_response_count, 0) as first_response_count,
    coalesce(c.first_response_minutes_sum, 0) as first_response_minutes_sum,
    coalesce(r.first_resolved_count, 0) as first_resolved_count,
    coalesce(r.resolution_sla_met_count, 0) as resolution_sla_met_count,
    coalesce(b.social_bot_conversations_count, 0) as social_bot_conversations_count,
    coalesce(b.social_bot_resolved_count, 0) as social_bot_resolved_count
from grid
left join interaction_days as i on grid.activity_date = i.activity_date and grid.network = i.network
left join ticket_created_days as c on grid.activity_date = c.activity_date and grid.network = c.network
left join ticket_resolved_days as r on grid.activity_date = r.activity_date and grid.network = r.network
left join bot_days as b on grid.activity_date = b.activity_date and grid.network = b.network
