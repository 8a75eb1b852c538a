-- One row per customer contact, the base of contact_volume and repeat_contact_rate_pct:
-- tickets (by created_at, customer = requester) and inbound calls of any outcome (by arrived_at).
-- Bot conversations join as a third branch (contact_type 'bot_conversation', by started_at) when
-- the web source's staging model exists; see the placeholder comment below.
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

    -- bot conversations: add
    --   union all select 'bot_conversation', conversation_id, customer_id, started_at and the
    --   reporting month of started_at (macro to_reporting_month) from the web bot_conversations model
    -- and extend the accepted_values test of contact_type; repeat_contact_rate_pct keeps
    -- counting tickets and inbound calls only (kpis.md), contact_volume counts every type.

)

select
    contact_type,
    contact_id,
    customer_id,
    contacted_at,
    contact_month
from contacts
