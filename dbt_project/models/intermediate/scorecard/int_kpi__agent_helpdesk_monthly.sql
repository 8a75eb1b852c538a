-- Helpdesk figures per month x agent for the agent leaderboard (one metric family; surveys,
-- quality reviews and telephony add their own month x agent models joined in the leaderboard).
-- Attribution: tickets solved and resolution figures go to the ticket's current assignee;
-- first response goes to the agent who sent the ticket's first reply, in the month of that reply.
with

tickets as (

    select
        ticket_id,
        assignee_id,
        first_reply_at,
        first_response_minutes,
        first_resolved_month,
        first_resolution_minutes,
        is_first_contact_resolution
    from {{ ref('fct_tickets') }}

),

replies as (

    select
        ticket_id,
        agent_id,
        replied_month
    from {{ ref('fct_ticket_replies') }}
    where reply_number = 1

),

status_changes as (

    select
        ticket_id,
        changed_at
    from {{ ref('int_ticket_status_changes') }}
    where is_resolution

),

solved as (

    -- distinct tickets with a resolution event in the month, by current assignee
    select
        {{ to_reporting_month('status_changes.changed_at') }} as month,
        tickets.assignee_id as agent_id,
        count(distinct status_changes.ticket_id) as tickets_solved_count
    from status_changes
    inner join tickets on status_changes.ticket_id = tickets.ticket_id
    where tickets.assignee_id is not null
    group by all

),

first_responses as (

    select
        replies.replied_month as month,
        replies.agent_id,
        count(*) as first_response_count,
        {{ exact_minutes_sum('tickets.first_response_minutes') }} as first_response_minutes_sum
    from replies
    inner join tickets on replies.ticket_id = tickets.ticket_id
    where tickets.first_response_minutes is not null and replies.agent_id is not null
    group by all

),

resolutions as (

    select
        first_resolved_month as month,
        assignee_id as agent_id,
        count(first_resolution_minutes) as first_resolved_count,
        {{ exact_minutes_sum('first_resolution_minutes') }} as resolution_minutes_sum,
        count(*) filter (where is_first_contact_resolution) as first_contact_resolution_count
    from tickets
    where first_resolved_month is not null and assignee_id is not null
    group by all

),

agent_months as (

    select
        month,
        agent_id
    from solved
    union
    select
        month,
        agent_id
    from first_responses
    union
    select
        month,
        agent_id
    from resolutions

)

select
    agent_months.month,
    agent_months.agent_id,
    coalesce(solved.tickets_solved_count, 0) as tickets_solved_count,
    coalesce(first_responses.first_response_count, 0) as first_response_count,
    coalesce(first_responses.first_response_minutes_sum, 0) as first_response_minutes_sum,
    first_responses.first_response_minutes_sum / nullif(first_responses.first_response_count, 0)
        as first_response_minutes_avg,
    coalesce(resolutions.first_resolved_count, 0) as first_resolved_count,
    coalesce(resolutions.resolution_minutes_sum, 0) as resolution_minutes_sum,
    resolutions.resolution_minutes_sum / 60.0 / nullif(resolutions.first_resolved_count, 0)
        as resolution_hours_avg,
    coalesce(resolutions.first_contact_resolution_count, 0) as first_contact_resolution_count,
    100.0 * resolutions.first_contact_resolution_count / nullif(resolutions.first_resolved_count, 0)
        as first_contact_resolution_pct
from agent_months
left join solved
    on agent_months.month = solved.month and agent_months.agent_id = solved.agent_id
left join first_responses
    on agent_months.month = first_responses.month and agent_months.agent_id = first_responses.agent_id
left join resolutions
    on agent_months.month = resolutions.month and agent_months.agent_id = resolutions.agent_id
