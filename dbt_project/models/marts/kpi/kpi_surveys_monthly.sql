-- Survey KPIs per month x agent x channel x segment (the agent, channel and customer segment the
-- survey was about; null when unknown, kept as its own group so roll-ups stay complete). Sent /
-- answered counts by month of sent_at (response rate), every score by month of responded_at, as
-- in the scorecard; a row exists when the group sent or answered a survey in the month. The
-- additive counts and sums sit beside each ratio: roll up by summing them, never by averaging
-- the ratios. Internal quality reviews have no channel or segment: IQS per agent is in
-- kpi_agent_leaderboard_monthly.
with

responses as (

    select
        sent_month,
        responded_month,
        agent_id,
        channel,
        segment,
        is_answered,
        is_csat_positive,
        nps_category,
        ces_score_1_to_7,
        has_comment,
        is_comment_replied
    from {{ ref('fct_survey_responses') }}

),

sent as (

    select
        sent_month as month,
        agent_id,
        channel,
        segment,
        count(*) as surveys_sent_count,
        count(*) filter (where is_answered) as surveys_answered_count
    from responses
    group by all

),

responded as (

    select
        responded_month as month,
        agent_id,
        channel,
        segment,
        count(*) filter (where is_csat_positive is not null) as csat_answered_count,
        count(*) filter (where is_csat_positive) as csat_positive_count,
        count(*) filter (where nps_category is not null) as nps_answered_count,
        count(*) filter (where nps_category = 'promoter') as nps_promoters_count,
        count(*) filter (where nps_category = 'passive') as nps_passives_count,
        count(*) filter (where nps_category = 'detractor') as nps_detractors_count,
        count(ces_score_1_to_7) as ces_answered_count,
        cast(coalesce({{ exact_decimal_sum('ces_score_1_to_7') }}, 0) as double) as ces_score_sum,
        count(*) filter (where has_comment) as comments_count,
        count(*) filter (where is_comment_replied) as comments_replied_count
    from responses
    where is_answered
    group by all

),

groups as (

    select
        month,
        agent_id,
        channel,
        segment
    from sent
    union
    select
        month,
        agent_id,
        channel,
        segment
    from responded

),

joined as (

    select
        groups.month,
        groups.agent_id,
        groups.channel,
        groups.segment,
        coalesce(sent.surveys_sent_count, 0) as surveys_sent_count,
        coalesce(sent.surveys_answered_count, 0) as surveys_answered_count,
        coalesce(responded.csat_answered_count, 0) as csat_answered_count,
        coalesce(responded.csat_positive_count, 0) as csat_positive_count,
        coalesce(responded.nps_answered_count, 0) as nps_answered_count,
        coalesce(responded.nps_promoters_count, 0) as nps_promoters_count,
        coalesce(responded.nps_passives_count, 0) as nps_passives_count,
        coalesce(responded.nps_detractors_count, 0) as nps_detractors_count,
        coalesce(responded.ces_answered_count, 0) as ces_answered_count,
        coalesce(responded.ces_score_sum, 0) as ces_score_sum,
        coalesce(responded.comments_count, 0) as comments_count,
        coalesce(responded.comments_replied_count, 0) as comments_replied_count
    from groups
    left join sent
        on
            groups.month = sent.month
            and groups.agent_id is not distinct from sent.agent_id
            and groups.channel is not distinct from sent.channel
            and groups.segment is not distinct from sent.segment
    left join responded
        on
            groups.month = responded.month
            and groups.agent_id is not distinct from responded.agent_id
            and groups.channel is not distinct from responded.channel
            and groups.segment is not distinct from responded.segment

)

select
    month,
    agent_id,
    channel,
    segment,
    surveys_sent_count,
    surveys_answered_count,
    100.0 * surveys_answered_count / nullif(surveys_sent_count, 0) as survey_response_rate_pct,
    csat_answered_count,
    csat_positive_count,
    100.0 * csat_positive_count / nullif(csat_answered_count, 0) as csat_pct,
    nps_answered_count,
    nps_promoters_count,
    nps_passives_count,
    nps_detractors_count,
    100.0 * (nps_promoters_count - nps_detractors_count) / nullif(nps_answered_count, 0) as nps,
    ces_answered_count,
    ces_score_sum,
    ces_score_sum / nullif(ces_answered_count, 0) as customer_effort_score,
    comments_count,
    comments_replied_count,
    100.0 * comments_replied_count / nullif(comments_count, 0) as feedback_response_rate_pct
from joined
