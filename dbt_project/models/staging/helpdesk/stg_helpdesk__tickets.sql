{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        pre_hook="{% if is_incremental() %}delete from {{ this }} where ticket_id in (select ticket_id from {{ ref('int_affected__tickets') }}){% endif %}",
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
