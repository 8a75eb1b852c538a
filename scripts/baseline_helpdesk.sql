-- Single-script helpdesk baseline (issue 14 item 5): the monthly helpdesk scorecard computed by
-- hand in ONE DuckDB script straight from the landing files, to time the pipeline against.
--
-- How it is run: scripts/baseline.py reads this file, replaces {tickets} and {ticket_events} with
-- a reader of <landing>/helpdesk/<entity>/ (read_parquet(...) for the generator's .parquet files,
-- read_csv(..., all_varchar = true) for .csv[.gz] such as the golden fixture's; both with
-- filename = true, union_by_name = true) and executes it in an in-memory DuckDB connection; the
-- last statement returns (month, kpi_id, value). By hand, e.g.:
--   sed "s#{tickets}#read_parquet('L/helpdesk/tickets/*.parquet', filename = true)#;
--        s#{ticket_events}#read_parquet('L/helpdesk/ticket_events/*.parquet', filename = true)#" \
--     scripts/baseline_helpdesk.sql | duckdb
-- Reporting time zone: UTC.
-- Timestamps without an offset are read as UTC, timestamps with one are converted.
--
-- Same definitions as the mart (the shared spec's kpis.md, seeds/kpi_definitions.csv): the latest
-- ticket version wins (updated_at, then later file, then later line); a re-delivered event_id
-- keeps its latest copy.
-- KPIs covered: tickets_created, tickets_resolved, reopened_tickets, resolution_rate_pct,
-- escalated_tickets_pct, reassigned_tickets, first_response_time_avg_minutes (first public agent
-- reply by an agent at or after created_at, calendar minutes, month of created_at).
-- Left out (documented reasons):
--   first_response_time_avg_business_minutes / *_sla_pct: business-hours calendars and SLA seeds;
--   resolution_time_avg_hours, full_resolution_*, FCR, replies per ticket, backlog: not written
--   yet (the record-status fallback they need is in status_changes below).
set TimeZone = 'UTC';

create temp table raw_tickets as
select *, row_number() over (partition by filename) as _line
from {tickets};

create temp table tickets as
select
    ticket_id,
    cast(cast(created_at as timestamptz) at time zone 'UTC' as timestamp) as created_at,
    cast(cast(nullif(cast(updated_at as varchar), '') as timestamptz) at time zone 'UTC' as timestamp) as updated_at,
    status
from raw_tickets
qualify row_number() over (
    partition by ticket_id
    order by cast(coalesce(nullif(cast(updated_at as varchar), ''), cast(created_at as varchar)) as timestamptz) desc, filename desc, _line desc
) = 1;

create temp table raw_events as
select *, row_number() over (partition by filename) as _line
from {ticket_events};

create temp table events as
select
    event_id,
    ticket_id,
    cast(cast(occurred_at as timestamptz) at time zone 'UTC' as timestamp) as occurred_at,
    event_type,
    actor_type,
    coalesce(cast(is_public as varchar), 'true') in ('true', 'True', 'TRUE', '1', 't') as is_public,
    old_value,
    new_value
from raw_events
where ticket_id in (select ticket_id from tickets)
qualify row_number() over (partition by event_id order by filename desc, _line desc) = 1;

-- Status changes (kpis.md "Ticket facts": resolution = into solved/closed from a status that is
-- not; reopen = out of solved/closed into new/open/pending/on_hold). The status a change left is
-- its old_value, else the ticket's previous change's new_value, else 'new'; a change stamped
-- before the ticket's creation counts at created_at. A ticket without any status change whose
-- record says solved/closed (imported tickets, or events not yet delivered) was resolved once, at
-- the record's updated_at (not before created_at).
create temp table status_changes as
with
changes as (
    select e.ticket_id, e.occurred_at, e.event_id, e.old_value, e.new_value, t.created_at
    from events as e
    join tickets as t using (ticket_id)
    where e.event_type = 'status_changed' and e.new_value is not null
),
sequenced as (
    select
        ticket_id,
        greatest(occurred_at, created_at) as changed_at,
        coalesce(
            old_value,
            lag(new_value) over (partition by ticket_id order by occurred_at, event_id),
            'new'
        ) as previous_status,
        new_value as new_status
    from changes
),
from_record as (
    select ticket_id, greatest(updated_at, created_at) as changed_at, 'new' as previous_status, status as new_status
    from tickets
    where status in ('solved', 'closed')
      and ticket_id not in (select ticket_id from changes)
)
select
    ticket_id,
    changed_at,
    new_status in ('solved', 'closed') and previous_status not in ('solved', 'closed') as is_resolution,
    previous_status in ('solved', 'closed') and new_status in ('new', 'open', 'pending', 'on_hold') as is_reopen
from (select * from sequenced union all select * from from_record);

create temp table monthly as
with
created as (
    select date_trunc('month', created_at) as month, count(*) as n
    from tickets group by 1
),
resolved as (
    select date_trunc('month', changed_at) as month, count(distinct ticket_id) as n
    from status_changes
    where is_resolution
    group by 1
),
reopened as (
    select date_trunc('month', changed_at) as month, count(distinct ticket_id) as n
    from status_changes
    where is_reopen
    group by 1
),
escalated as (
    select date_trunc('month', t.created_at) as month, count(*) as n
    from tickets as t
    where exists (select 1 from events as e where e.ticket_id = t.ticket_id and e.event_type = 'escalated')
    group by 1
),
reassigned as (
    select date_trunc('month', t.created_at) as month, count(*) as n
    from tickets as t
    join events as e on e.ticket_id = t.ticket_id and e.event_type = 'assigned' and coalesce(cast(e.new_value as varchar), '') <> ''
    group by t.ticket_id, 1
    having count(distinct e.new_value) >= 2
),
first_reply as (
    select date_trunc('month', t.created_at) as month, epoch(min(e.occurred_at) - t.created_at) / 60.0 as minutes
    from tickets as t
    join events as e
      on e.ticket_id = t.ticket_id
     and e.event_type = 'agent_reply' and e.actor_type = 'agent' and e.is_public
     and e.occurred_at >= t.created_at
    group by t.ticket_id, t.created_at
)
select month, 'tickets_created' as kpi_id, n::double as value from created
union all select month, 'tickets_resolved', n::double from resolved
union all select month, 'reopened_tickets', n::double from reopened
union all
select c.month, 'resolution_rate_pct', coalesce(r.n, 0) * 100.0 / c.n
from created as c left join resolved as r using (month)
union all
select c.month, 'escalated_tickets_pct', coalesce(e.n, 0) * 100.0 / c.n
from created as c left join escalated as e using (month)
union all
select month, 'reassigned_tickets', count(*)::double from reassigned group by month
union all
select month, 'first_response_time_avg_minutes', avg(minutes) from first_reply group by month;

select cast(month as date) as month, kpi_id, value from monthly order by month, kpi_id;
