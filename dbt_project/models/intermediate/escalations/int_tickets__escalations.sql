{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per ticket: how often it was escalated (any 'escalated' event) and when first.
-- Incremental: the tickets of int_affected__tickets are deleted and computed again (a ticket's
-- row depends only on its own rows).
with

tickets as (

    select ticket_id from {{ ref('stg_helpdesk__tickets') }}
    {% if is_incremental() -%}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

),

escalations as (

    select
        ticket_id,
        occurred_at
    from {{ ref('stg_helpdesk__ticket_events') }}
    where
        event_type = 'escalated'
        {% if is_incremental() -%}
            and ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
        {%- endif %}

),

per_ticket as (

    select
        ticket_id,
        min(occurred_at) as first_escalated_at,
        count(*) as escalation_count
    from escalations
    group by ticket_id

)

select
    tickets.ticket_id,
    per_ticket.first_escalated_at,
    coalesce(per_ticket.escalation_count, 0) as escalation_count
from tickets
left join per_ticket on tickets.ticket_id = per_ticket.ticket_id
