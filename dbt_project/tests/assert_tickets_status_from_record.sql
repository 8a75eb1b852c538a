-- Tickets without any status_changed event whose record says solved or closed (migrated or
-- imported tickets): they get one synthetic status change new -> <record status> at the
-- record's updated_at (int_ticket_status_changes.is_from_record, fct_tickets.status_from_record).
-- Warn severity: the count is named in the run report ("dbt warnings"), the mart is published.
{{ config(severity='warn') }}

select
    ticket_id,
    status,
    first_resolved_at
from {{ ref('fct_tickets') }}
where status_from_record
