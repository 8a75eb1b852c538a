{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__ticket_facts', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__ticket_facts') }}
-- One row per ticket: SLA targets of its current priority and the SLA outcomes.
-- Elapsed time is business minutes when the policy says so, calendar minutes otherwise.
-- First response: met / breached when replied (met = elapsed <= target); without a reply the
-- status at this build's data cut-off, breached or pending (not in the denominator), as
-- int_tickets__unreplied_first_response_status states the rule.
-- Resolution: met = first resolution within target; null when never resolved.
-- Incremental: the tickets of int_affected__ticket_facts are deleted and computed again.
with

tickets as (

    select
        ticket_id,
        created_at,
        priority
    from {{ ref('stg_helpdesk__tickets') }}
    {%- if is_incremental() %}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__ticket_facts') }} as affected)
    {%- endif %}

),

sla_policies as (

    select
        priority,
        first_response_target_minutes,
        resolution_target_minutes,
        uses_business_hours
    from {{ ref('sla_policies') }}

),

first_replies as (

    select
        ticket_id,
        first_reply_at,
        first_response_minutes
    from {{ ref('int_tickets__first_reply') }}

),

resolutions as (

    select
        ticket_id,
        first_resolved_at,
        first_resolution_minutes
    from {{ ref('int_tickets__resolutions') }}

),

business_minutes as (

    select
        ticket_id,
        first_response_business_minutes,
        first_resolution_business_minutes
    from {{ ref('int_tickets__business_minutes') }}

),

unreplied_statuses as (

    select
        ticket_id,
        first_response_sla_status
    from {{ ref('int_tickets__unreplied_first_response_status') }}

),

elapsed as (

    select
        tickets.ticket_id,
        sla_policies.first_response_target_minutes,
        sla_policies.resolution_target_minutes,
        sla_policies.uses_business_hours,
        first_replies.first_reply_at is not null as has_first_reply,
        resolutions.first_resolved_at is not null as is_resolved,
        case
            when sla_policies.uses_business_hours then business_minutes.first_response_business_minutes
            else first_replies.first_response_minutes
        end as first_response_elapsed_minutes,
        unreplied_statuses.first_response_sla_status as unreplied_first_response_sla_status,
        case
            when sla_policies.uses_business_hours then business_minutes.first_resolution_business_minutes
            else resolutions.first_resolution_minutes
        end as resolution_elapsed_minutes
    from tickets
    left join sla_policies on tickets.priority = sla_policies.priority
    left join first_replies on tickets.ticket_id = first_replies.ticket_id
    left join resolutions on tickets.ticket_id = resolutions.ticket_id
    left join business_minutes on tickets.ticket_id = business_minutes.ticket_id
    left join unreplied_statuses on tickets.ticket_id = unreplied_statuses.ticket_id

),

classified as (

    select
        ticket_id,
        first_response_target_minutes,
        resolution_target_minutes,
        uses_business_hours,
        is_resolved,
        resolution_elapsed_minutes,
        case
            when first_response_target_minutes is null then null
            when has_first_reply and first_response_elapsed_minutes <= first_response_target_minutes then 'met'
            when has_first_reply then 'breached'
            else unreplied_first_response_sla_status
        end as first_response_sla_status
    from elapsed

)

select
    ticket_id,
    first_response_target_minutes,
    resolution_target_minutes,
    uses_business_hours as sla_uses_business_hours,
    first_response_sla_status,
    case first_response_sla_status
        when 'met' then true
        when 'breached' then false
    end as is_first_response_sla_met,
    case
        when is_resolved then resolution_elapsed_minutes <= resolution_target_minutes
    end as is_resolution_sla_met
from classified
