-- One row per customer contact, the base of contact_volume and repeat_contact_rate_pct:
-- tickets (by created_at, customer = requester), inbound calls of any outcome (by arrived_at) and
-- bot conversations of any channel and outcome (by started_at). repeat_contact_rate_pct keeps
-- counting tickets and inbound calls only (kpis.md); contact_volume counts every type. A bot
-- conversation handed off to a ticket is two contacts (the conversation and the ticket), as
-- kpis.md sums them.
-- Incremental: key = (contact_type, contact_id); the contacts of int_affected__contacts (the
-- tickets, calls and bot conversations recomputed upstream) lose their rows and are appended again.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__contacts', 'key': ['contact_type', 'contact_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__contacts') }}
with

tickets as (

    select
        ticket_id,
        requester_id,
        created_at,
        created_month
    from {{ ref('fct_tickets') }}
    {% if is_incremental() -%}
        where ticket_id in (
            select affected.contact_id from {{ ref('int_affected__contacts') }} as affected
            where affected.contact_type = 'ticket'
        )
    {%- endif %}

),

calls as (

    select
        call_id,
        customer_id,
        arrived_at,
        arrived_month
    from {{ ref('fct_calls') }}
    where
        is_inbound
        {% if is_incremental() -%}
            and call_id in (
                select affected.contact_id from {{ ref('int_affected__contacts') }} as affected
                where affected.contact_type = 'inbound_call'
            )
        {%- endif %}

),

bot_conversations as (

    select
        conversation_id,
        customer_id,
        started_at
    from {{ ref('stg_web__bot_conversations') }}
    {% if is_incremental() -%}
        where conversation_id in (
            select affected.contact_id from {{ ref('int_affected__contacts') }} as affected
            where affected.contact_type = 'bot_conversation'
        )
    {%- endif %}

),

contacts as (

    select
        'ticket' as contact_type,
        ticket_id as contact_id,
        requester_id as customer_id,
        created_at as contacted_at,
        created_month as contact_month
    from tickets

    union all

    select
        'inbound_call' as contact_type,
        call_id as contact_id,
        customer_id,
        arrived_at as contacted_at,
        arrived_month as contact_month
    from calls

    union all

    select
        'bot_conversation' as contact_type,
        conversation_id as contact_id,
        customer_id,
        started_at as contacted_at,
        {{ to_reporting_month('started_at') }} as contact_month
    from bot_conversations

)

select
    contact_type,
    contact_id,
    customer_id,
    contacted_at,
    contact_month
from contacts
