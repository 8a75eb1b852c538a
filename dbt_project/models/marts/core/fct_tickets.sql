{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__ticket_facts', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__ticket_facts') }}
-- One row per ticket (latest version), PII-free: attributes plus every ticket fact of
-- kpis.md "Ticket facts", each computed once in its intermediate model.
-- Incremental: the tickets of int_affected__ticket_facts are deleted and computed again.
with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}
    {%- if is_incremental() %}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__ticket_facts') }} as affected)
    {%- endif %}

),

countries as (

    select * from {{ ref('countries') }}

),

assignments as (

    select * from {{ ref('int_tickets__assignments') }}

),

first_replies as (

    select * from {{ ref('int_tickets__first_reply') }}

),

resolutions as (

    select * from {{ ref('int_tickets__resolutions') }}

),

reply_counts as (

    select * from {{ ref('int_tickets__reply_counts') }}

),

escalations as (

    select * from {{ ref('int_tickets__escalations') }}

),

business_minutes as (

    select * from {{ ref('int_tickets__business_minutes') }}

),

sla as (

    select * from {{ ref('int_tickets__sla') }}

)

select
    tickets.ticket_id,
    tickets.requester_id,
    tickets.group_id,
    tickets.assignee_id,
    tickets.channel,
    tickets.social_network,
    tickets.ticket_type,
    tickets.priority,
    tickets.status,
    tickets.category,
    tickets.country_code,
    countries.region,
    tickets.created_at,
    {{ to_reporting_date('tickets.created_at') }} as created_date,
    {{ to_reporting_month('tickets.created_at') }} as created_month,
    assignments.first_assigned_at,
    assignments.first_assignment_minutes,
    first_replies.first_reply_at,
    first_replies.first_response_minutes,
    business_minutes.first_response_business_minutes,
    resolutions.first_resolved_at,
    {{ to_reporting_month('resolutions.first_resolved_at') }} as first_resolved_month,
    resolutions.last_resolved_at,
    {{ to_reporting_month('resolutions.last_resolved_at') }} as last_resolved_month,
    resolutions.first_resolution_minutes,
    resolutions.full_resolution_minutes,
    business_minutes.first_resolution_business_minutes,
    tickets.status in ('solved', 'closed') as is_solved,
    resolutions.status_from_record,
    reply_counts.agent_replies_count,
    reply_counts.customer_replies_count,
    reply_counts.agent_replies_total,
    reply_counts.has_bot_reply,
    resolutions.reopen_count,
    resolutions.reopen_count > 0 as is_reopened,
    assignments.assignee_count,
    assignments.assignee_count >= 2 as is_reassigned,
    escalations.escalation_count > 0 as is_escalated,
    (
        resolutions.first_resolved_at is not null
        and reply_counts.agent_replies_count = 1
        and resolutions.reopen_count = 0
    ) as is_first_contact_resolution,
    sla.first_response_target_minutes,
    sla.resolution_target_minutes,
    sla.sla_uses_business_hours,
    sla.first_response_sla_status,
    sla.is_first_response_sla_met,
    sla.is_resolution_sla_met,
    (
        coalesce(tickets.ticket_type = 'complaint', false)
        or coalesce(escalations.escalation_count, 0) > 0
    ) as is_complaint_or_escalated
from tickets
left join countries on tickets.country_code = countries.country_code
left join assignments on tickets.ticket_id = assignments.ticket_id
left join first_replies on tickets.ticket_id = first_replies.ticket_id
left join resolutions on tickets.ticket_id = resolutions.ticket_id
left join reply_counts on tickets.ticket_id = reply_counts.ticket_id
left join escalations on tickets.ticket_id = escalations.ticket_id
left join business_minutes on tickets.ticket_id = business_minutes.ticket_id
left join sla on tickets.ticket_id = sla.ticket_id
