{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__ticket_created_dates', 'key': ['created_date']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__ticket_created_dates') }}
-- Tickets created per reporting-time-zone day x channel x social network x type x priority x
-- group x country/region, with additive counts of what happened to those tickets so far.
-- Incremental: the days of int_affected__ticket_created_dates are deleted and aggregated again.
with

tickets as (

    select
        created_date,
        channel,
        social_network,
        ticket_type,
        priority,
        group_id,
        country_code,
        region,
        first_reply_at,
        first_resolved_at,
        is_solved,
        is_escalated,
        is_reassigned,
        is_reopened,
        is_first_contact_resolution,
        has_bot_reply,
        first_response_sla_status
    from {{ ref('fct_tickets') }}
    {%- if is_incremental() %}
        where created_date in (
            select affected.created_date from {{ ref('int_affected__ticket_created_dates') }} as affected
        )
    {%- endif %}

)

select
    created_date,
    channel,
    social_network,
    ticket_type,
    priority,
    group_id,
    country_code,
    region,
    count(*) as tickets_created_count,
    count(first_reply_at) as first_replied_tickets_count,
    count(first_resolved_at) as resolved_tickets_count,
    count(*) filter (where is_solved) as solved_now_tickets_count,
    count(*) filter (where is_escalated) as escalated_tickets_count,
    count(*) filter (where is_reassigned) as reassigned_tickets_count,
    count(*) filter (where is_reopened) as reopened_tickets_count,
    count(*) filter (where is_first_contact_resolution) as first_contact_resolution_tickets_count,
    count(*) filter (where has_bot_reply) as bot_replied_tickets_count,
    count(*) filter (where first_response_sla_status = 'met') as first_response_sla_met_count,
    count(*) filter (where first_response_sla_status = 'breached') as first_response_sla_breached_count
from tickets
group by all
