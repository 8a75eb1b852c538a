-- Agent leaderboard per month x agent. Metric families are month x agent int models joined on
-- (month, agent_id); today the helpdesk family. Rank: composite_score = mean of the component
-- scores the agent has (0-100 each: cume_dist among the month's agents with that figure, best
-- = 100) over tickets solved (more is better), FCR % (higher), mean first response (lower) and
-- mean resolution time (lower); rank() by composite_score desc within the month (ties share).
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

agents as (

    select
        agent_id,
        agent_name,
        group_id,
        group_name
    from {{ ref('dim_agents') }}

),

component_scores as (

    select
        month,
        agent_id,
        100 * cume_dist() over (partition by month order by tickets_solved_count) as tickets_solved_score,
        case when first_contact_resolution_pct is not null then 100 * cume_dist() over (
            partition by month, first_contact_resolution_pct is null order by first_contact_resolution_pct
        ) end as first_contact_resolution_score,
        case when first_response_minutes_avg is not null then 100 * cume_dist() over (
            partition by month, first_response_minutes_avg is null order by first_response_minutes_avg desc
        ) end as first_response_score,
        case when resolution_hours_avg is not null then 100 * cume_dist() over (
            partition by month, resolution_hours_avg is null order by resolution_hours_avg desc
        ) end as resolution_time_score
    from helpdesk

),

composite as (

    select
        month,
        agent_id,
        tickets_solved_score,
        first_contact_resolution_score,
        first_response_score,
        resolution_time_score,
        (
            tickets_solved_score
            + coalesce(first_contact_resolution_score, 0)
            + coalesce(first_response_score, 0)
            + coalesce(resolution_time_score, 0)
        ) / (
            1
            + cast(first_contact_resolution_score is not null as integer)
            + cast(first_response_score is not null as integer)
            + cast(resolution_time_score is not null as integer)
        ) as composite_score
    from component_scores

)

select
    helpdesk.month,
    helpdesk.agent_id,
    agents.agent_name,
    agents.group_id,
    agents.group_name,
    helpdesk.tickets_solved_count,
    helpdesk.first_response_count,
    helpdesk.first_response_minutes_sum,
    helpdesk.first_response_minutes_avg,
    helpdesk.first_resolved_count,
    helpdesk.resolution_minutes_sum,
    helpdesk.resolution_hours_avg,
    helpdesk.first_contact_resolution_count,
    helpdesk.first_contact_resolution_pct,
    composite.tickets_solved_score,
    composite.first_contact_resolution_score,
    composite.first_response_score,
    composite.resolution_time_score,
    composite.composite_score,
    rank() over (partition by helpdesk.month order by composite.composite_score desc) as leaderboard_rank
from helpdesk
inner join composite
    on helpdesk.month = composite.month and helpdesk.agent_id = composite.agent_id
left join agents on helpdesk.agent_id = agents.agent_id
