{{ config(materialized='ephemeral') }}
-- The first-response SLA status of each ticket as int_tickets__sla and fct_tickets hold it before
-- this build replaces any of their rows: what int_affected__ticket_facts compares with the status
-- at this build's cut-off. Each table's rows hold the statuses at the cut-off of the last build
-- that wrote them; a build that failed between the two leaves them at different cut-offs, so both
-- are read. Read through macro previous_build_of, not ref(): both tables are built after
-- int_affected__ticket_facts, which inlines this model (ephemeral). No rows while either table
-- does not exist: then every ticket without a first reply counts as changed.
{%- set stored_sla = previous_build_of('int_tickets__sla') %}
{%- set stored_facts = previous_build_of('fct_tickets') %}
{% if stored_sla is not none and stored_facts is not none -%}
    select
        'int_tickets__sla' as stored_in,
        ticket_id,
        first_response_sla_status
    from {{ stored_sla }}
    union all
    select
        'fct_tickets' as stored_in,
        ticket_id,
        first_response_sla_status
    from {{ stored_facts }}
{%- else -%}
    select
        cast(null as string) as stored_in,
        cast(null as string) as ticket_id,
        cast(null as string) as first_response_sla_status
    where false
{%- endif %}
