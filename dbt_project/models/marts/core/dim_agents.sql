-- One row per agent with the team name; no email.
with

agents as (

    select * from {{ ref('stg_helpdesk__agents') }}

),

groups as (

    select * from {{ ref('stg_helpdesk__groups') }}

)

select
    agents.agent_id,
    agents.agent_name,
    agents.group_id,
    groups.group_name,
    agents.hired_at,
    agents.country_code,
    agents.is_active
from agents
left join groups on agents.group_id = groups.group_id
