-- Agent leaderboard per month x agent. Metric families are month x agent int models joined on
-- (month, agent_id): helpdesk (int_kpi__agent_helpdesk_monthly), calls answered and handle time
-- (int_calls__agent_monthly, inbound calls by month of arrival) and occupancy (agent-state seconds
-- of int_agent_states__daily), CSAT (int_survey_responses__agent_monthly, csat surveys by month
-- of responded_at, to the agent the survey was about) and IQS (int_quality_reviews__agent_monthly,
-- reviews by month of reviewed_at). An agent appears in a month when any family has figures for it.
-- Rank: composite_score = mean of the component scores the agent has (0-100 each: cume_dist
-- among the month's agents with that figure, best = 100) over tickets solved (more is better;
-- agents with helpdesk figures), FCR % (higher), mean first response (lower), mean resolution
-- time (lower), calls answered (more; agents with telephony figures), AHT (lower), CSAT %
-- (higher; agents with answered csat surveys) and IQS % (higher; agents with reviews);
-- occupancy is shown but not scored (a target band, set by traffic and rostering);
-- rank() by composite_score desc within the month (ties share).
with

helpdesk as (

    select
        month,
        agent_id,
        tickets_solved_count,
        first_response_count,
        first_response_minutes_sum,
        first_response_minutes_avg,
        first_resolved_count,
        resolution_minutes_sum,
        resolution_hours_avg,
        first_contact_resolution_count,
        first_contact_resolution_pct
    from {{ ref('int_kpi__agent_helpdesk_monthly') }}

),

calls as (

    select
        month,
        agent_id,
        calls_answered_count,
        handle_seconds_sum
    from {{ ref('int_calls__agent_monthly') }}

),

agent_days as (

    select
        state_month,
        agent_id,
        available_seconds,
        on_call_seconds,
        wrap_up_seconds
    from {{ ref('int_agent_states__daily') }}

),

csat as (

    select
        month,
        agent_id,
        csat_answered_count,
        csat_positive_count
    from {{ ref('int_survey_responses__agent_monthly') }}

),

quality as (

    select
        month,
        agent_id,
        weighted_score_sum,
        weighted_max_score_sum
    from {{ ref('int_quality_reviews__agent_monthly') }}

),

agents as (

    select
        agent_id,
        agent_name,
        group_id,
        group_name
    from {{ ref('dim_agents') }}

),

occupancy as (

    select
        state_month as month,
        agent_id,
        {{ exact_seconds_sum('on_call_seconds + wrap_up_seconds') }} as busy_seconds,
        {{ exact_seconds_sum('on_call_seconds + wrap_up_seconds + available_seconds') }} as occupancy_base_seconds
    from agent_days
    group by all

),

agent_months as (

    select
        month,
        agent_id
    from helpdesk
    union
    select
        month,
        agent_id
    from calls
    union
    select
        month,
        agent_id
    from occupancy
    union
    select
        month,
        agent_id
    from csat
    union
    select
        month,
        agent_id
    from quality

),

figures as (

    select
        agent_months.month,
        agent_months.agent_id,
        helpdesk.agent_id is not null as has_helpdesk,
        calls.agent_id is not null or occupancy.agent_id is not null as has_telephony,
        coalesce(helpdesk.tickets_solved_count, 0) as tickets_solved_count,
        coalesce(helpdesk.first_response_count, 0) as first_response_count,
        coalesce(helpdesk.first_response_minutes_sum, 0) as first_response_minutes_sum,
        helpdesk.first_response_minutes_avg,
        coalesce(helpdesk.first_resolved_count, 0) as first_resolved_count,
        coalesce(helpdesk.resolution_minutes_sum, 0) as resolution_minutes_sum,
        helpdesk.resolution_hours_avg,
        coalesce(helpdesk.first_contact_resolution_count, 0) as first_contact_resolution_count,
        helpdesk.first_contact_resolution_pct,
        coalesce(calls.calls_answered_count, 0) as calls_answered_count,
        coalesce(calls.handle_seconds_sum, 0) as handle_seconds_sum,
        calls.handle_seconds_sum / nullif(calls.calls_answered_count, 0) as average_handle_time_seconds,
        coalesce(occupancy.busy_seconds, 0) as busy_seconds,
        coalesce(occupancy.occupancy_base_seconds, 0) as occupancy_base_seconds,
        100.0 * occupancy.busy_seconds / nullif(occupancy.occupancy_base_seconds, 0) as occupancy_pct,
        coalesce(csat.csat_answered_count, 0) as csat_answered_count,
        coalesce(csat.csat_positive_count, 0) as csat_positive_count,
        100.0 * csat.csat_positive_count / nullif(csat.csat_answered_count, 0) as csat_pct,
        coalesce(quality.weighted_score_sum, 0) as quality_weighted_score_sum,
        coalesce(quality.weighted_max_score_sum, 0) as quality_weighted_max_score_sum,
        100.0 * quality.weighted_score_sum / nullif(quality.weighted_max_score_sum, 0)
            as internal_quality_score_pct
    from agent_months
    left join helpdesk
        on agent_months.month = helpdesk.month and agent_months.agent_id = helpdesk.agent_id
    left join calls
        on agent_months.month = calls.month and agent_months.agent_id = calls.agent_id
    left join occupancy
        on agent_months.month = occupancy.month and agent_months.agent_id = occupancy.agent_id
    left join csat
        on agent_months.month = csat.month and agent_months.agent_id = csat.agent_id
    left join quality
        on agent_months.month = quality.month and agent_months.agent_id = quality.agent_id

),

component_scores as (

    select
        month,
        agent_id,
        case when has_helpdesk then 100 * cume_dist() over (
            partition by month, has_helpdesk order by tickets_solved_count
        ) end as tickets_solved_score,
        case when first_contact_resolution_pct is not null then 100 * cume_dist() over (
            partition by month, first_contact_resolution_pct is null order by first_contact_resolution_pct
        ) end as first_contact_resolution_score,
        case when first_response_minutes_avg is not null then 100 * cume_dist() over (
            partition by month, first_response_minutes_avg is null order by first_response_minutes_avg desc
        ) end as first_response_score,
        case when resolution_hours_avg is not null then 100 * cume_dist() over (
            partition by month, resolution_hours_avg is null order by resolution_hours_avg desc
        ) end as resolution_time_score,
        case when has_telephony then 100 * cume_dist() over (
            partition by month, has_telephony order by calls_answered_count
        ) end as calls_answered_score,
        case when average_handle_time_seconds is not null then 100 * cume_dist() over (
            partition by month, average_handle_time_seconds is null order by average_handle_time_seconds desc
        ) end as average_handle_time_score,
        case when csat_pct is not null then 100 * cume_dist() over (
            partition by month, csat_pct is null order by csat_pct
        ) end as csat_score,
        case when internal_quality_score_pct is not null then 100 * cume_dist() over (
            partition by month, internal_quality_score_pct is null order by internal_quality_score_pct
        ) end as internal_quality_score
    from figures

),

composite as (

    select
        month,
        agent_id,
        tickets_solved_score,
        first_contact_resolution_score,
        first_response_score,
        resolution_time_score,
        calls_answered_score,
        average_handle_time_score,
        csat_score,
        internal_quality_score,
        (
            coalesce(tickets_solved_score, 0)
            + coalesce(first_contact_resolution_score, 0)
            + coalesce(first_response_score, 0)
            + coalesce(resolution_time_score, 0)
            + coalesce(calls_answered_score, 0)
            + coalesce(average_handle_time_score, 0)
            + coalesce(csat_score, 0)
            + coalesce(internal_quality_score, 0)
        ) / nullif(
            cast(tickets_solved_score is not null as integer)
            + cast(first_contact_resolution_score is not null as integer)
            + cast(first_response_score is not null as integer)
            + cast(resolution_time_score is not null as integer)
            + cast(calls_answered_score is not null as integer)
            + cast(average_handle_time_score is not null as integer)
            + cast(csat_score is not null as integer)
            + cast(internal_quality_score is not null as integer),
            0
        ) as composite_score
    from component_scores

)

select
    figures.month,
    figures.agent_id,
    agents.agent_name,
    agents.group_id,
    agents.group_name,
    figures.tickets_solved_count,
    figures.first_response_count,
    figures.first_response_minutes_sum,
    figures.first_response_minutes_avg,
    figures.first_resolved_count,
    figures.resolution_minutes_sum,
    figures.resolution_hours_avg,
    figures.first_contact_resolution_count,
    figures.first_contact_resolution_pct,
    figures.calls_answered_count,
    figures.handle_seconds_sum,
    figures.average_handle_time_seconds,
    figures.busy_seconds,
    figures.occupancy_base_seconds,
    figures.occupancy_pct,
    figures.csat_answered_count,
    figures.csat_positive_count,
    figures.csat_pct,
    figures.quality_weighted_score_sum,
    figures.quality_weighted_max_score_sum,
    figures.internal_quality_score_pct,
    composite.tickets_solved_score,
    composite.first_contact_resolution_score,
    composite.first_response_score,
    composite.resolution_time_score,
    composite.calls_answered_score,
    composite.average_handle_time_score,
    composite.csat_score,
    composite.internal_quality_score,
    composite.composite_score,
    rank() over (partition by figures.month order by composite.composite_score desc) as leaderboard_rank
from figures
inner join composite
    on figures.month = composite.month and figures.agent_id = composite.agent_id
left join agents on figures.agent_id = agents.agent_id
