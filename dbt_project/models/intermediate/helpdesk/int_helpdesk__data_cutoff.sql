-- The data cut-off: the latest ticket event time loaded. "Now" for everything that depends on
-- how far the data reaches (pending first-response SLA, open backlog age).
with

ticket_events as (

    select occurred_at from {{ ref('stg_helpdesk__ticket_events') }}

)

select max(occurred_at) as data_cutoff_at
from ticket_events
