-- One row per customer interaction with a customer_id, the numerator of
-- interactions_per_customer: tickets (created_at) and inbound calls (arrived_at) from
-- int_contacts__unioned (bot conversations arrive there as a further contact_type), plus crm
-- customer activities (occurred_at). Web sessions with a customer_id join as a further branch
-- when the web source's staging model exists (see the placeholder comment below).
with

contacts as (

    select
        contact_type,
        contact_id,
        customer_id,
        contact_month
    from {{ ref('int_contacts__unioned') }}
    where customer_id is not null

),

activities as (

    select
        activity_id,
        customer_id,
        occurred_at
    from {{ ref('stg_crm__customer_activities') }}
    where customer_id is not null

),

interactions as (

    select
        contact_type as interaction_type,
        contact_id as interaction_id,
        customer_id,
        contact_month as interaction_month
    from contacts

    union all

    select
        'customer_activity' as interaction_type,
        activity_id as interaction_id,
        customer_id,
        {{ to_reporting_month('occurred_at') }} as interaction_month
    from activities

    -- web sessions: add
    --   union all select 'web_session', session_id, customer_id and the reporting month of the
    --   session start (macro to_reporting_month) from the web sessions model, where customer_id
    --   is not null

)

select
    interaction_type,
    interaction_id,
    customer_id,
    interaction_month
from interactions
