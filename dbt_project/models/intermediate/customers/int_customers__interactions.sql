-- One row per customer interaction with a customer_id, the numerator of
-- interactions_per_customer: tickets (created_at), inbound calls (arrived_at) and bot
-- conversations (started_at) from int_contacts__unioned, crm customer activities (occurred_at)
-- and web sessions with a customer_id (month of the session's first event, as fct_web_sessions).
-- Incremental: key = (interaction_type, interaction_id); the interactions of
-- int_affected__interactions lose their rows and are appended again.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__interactions', 'key': ['interaction_type', 'interaction_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__interactions') }}
with

contacts as (

    select
        contact_type,
        contact_id,
        customer_id,
        contact_month
    from {{ ref('int_contacts__unioned') }}
    where
        customer_id is not null
        {% if is_incremental() -%}
            and (contact_type, contact_id) in (
                select
                    affected.interaction_type,
                    affected.interaction_id
                from {{ ref('int_affected__interactions') }} as affected
            )
        {%- endif %}

),

web_sessions as (

    select
        session_id,
        customer_id,
        session_month
    from {{ ref('int_web_sessions__sessionised') }}
    where
        customer_id is not null
        {% if is_incremental() -%}
            and session_id in (
                select affected.interaction_id from {{ ref('int_affected__interactions') }} as affected
                where affected.interaction_type = 'web_session'
            )
        {%- endif %}

),

activities as (

    select
        activity_id,
        customer_id,
        occurred_at
    from {{ ref('stg_crm__customer_activities') }}
    where
        customer_id is not null
        {% if is_incremental() -%}
            and activity_id in (
                select affected.interaction_id from {{ ref('int_affected__interactions') }} as affected
                where affected.interaction_type = 'customer_activity'
            )
        {%- endif %}

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

    union all

    select
        'web_session' as interaction_type,
        session_id as interaction_id,
        customer_id,
        session_month as interaction_month
    from web_sessions

)

select
    interaction_type,
    interaction_id,
    customer_id,
    interaction_month
from interactions
