{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__tickets') }}
-- One row per ticket: the latest version, without tickets the helpdesk deleted, merged into
-- another ticket or marked as spam (excluded_reason; see DECISIONS.md "Helpdesk connectors").
with

tickets as (

    select * from {{ ref('base_helpdesk__tickets') }}
    {% if is_incremental() -%}
        where ticket_id in (select affected.ticket_id from {{ ref('int_affected__tickets') }} as affected)
    {%- endif %}

)

select
    ticket_id,
    created_at,
    updated_at,
    channel,
    social_network,
    ticket_type,
    priority,
    status,
    category,
    requester_id,
    group_id,
    assignee_id,
    country_code
from tickets
where excluded_reason is null
