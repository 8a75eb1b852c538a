-- One row per customer contact, the base of contact_volume and repeat_contact_rate_pct:
-- tickets (by created_at, customer = requester), inbound calls of any outcome (by arrived_at) and
-- bot conversations of any channel and outcome (by started_at). repeat_contact_rate_pct keeps
-- counting tickets and inbound calls only (kpis.md); contact_volume counts every type. A bot
-- conversation handed off to a ticket is two contacts (the conversation and the ticket), as
-- kpis.md sums them.
with

tickets as (

    select
        ticket_id,
        requester_id,
        created_at,
        created_month
    from {{ ref('fct_tickets') }}

),

calls as (

    select
        call_id,
        customer_id,
        arrived_at,
        arrived_month
    from {{ ref('fct_calls') }}
    where is_inbound

),

bot_conversations as (

    select
        conversation_id,
        customer_id,
        started_at
    from {{ ref('stg_web__bot_conversations') }}

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
