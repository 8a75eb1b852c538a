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
-- Same definitions as the mart (the shared spec's kpis.md, the KPI registry): the latest
-- ticket version wins (updated_at, then later file, then later line); a re-delivered event_id
-- keeps its latest copy.
-- KPIs covered (19 of the 25 a helpdesk-only landing dir gives the scorecard): tickets_created,
-- tickets_resolved, tickets_resolved_change_pct, reopened_tickets, resolution_rate_pct,
-- escalated_tickets_pct, reassigned_tickets, recurring_incident_tickets,
-- tickets_unresolved_end_of_month, tickets_awaiting_agent_end_of_month,
-- first_response_time_avg_minutes (first public agent reply by an agent at or after created_at,
-- calendar minutes, month of created_at), first_assignment_time_avg_minutes,
-- resolution_time_avg_hours, full_resolution_time_avg_hours, complaint_resolution_time_avg_hours,
-- first_contact_resolution_pct, agent_replies_per_ticket, customer_replies_per_ticket,
-- response_time_avg_minutes.
-- Left out:
--   first_response_time_avg_business_minutes, first_response_sla_pct, resolution_sla_pct,
--   ticket_backlog_overdue_end_of_month: need the business-hours calendar (seeds business_hours,
--   holidays) and the SLA policies (seed sla_policies); not written yet;
--   contact_volume and repeat_contact_rate_pct: cross-source by definition (calls, bot
--   conversations), not helpdesk KPIs.
set TimeZone = 'UTC';

create temp table raw_tickets as
select *, row_number() over (partition by filename) as _line
from {tickets};

create temp table tickets as
select
    ticket_id,
    cast(cast(created_at as timestamptz) at time zone 'UTC' as timestamp) as created_at,
    cast(cast(nullif(cast(updated_at as varchar), '') as timestamptz) at time zone 'UTC' as timestamp) as updated_at,
    status,
    ticket_type,
    nullif(cast(requester_id as varchar), '') as requester_id,
    nullif(cast(category as varchar), '') as category
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
    -- the landing contract's booleans: true / 1 / yes (any case); missing = public
    lower(coalesce(cast(is_public as varchar), 'true')) in ('true', '1', 'yes') as is_public,
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
        occurred_at,
        event_id,
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
    select
        ticket_id, updated_at as occurred_at, '' as event_id, greatest(updated_at, created_at) as changed_at,
        'new' as previous_status, status as new_status
    from tickets
    where status in ('solved', 'closed')
      and ticket_id not in (select ticket_id from changes)
)
select
    ticket_id,
    changed_at,
    occurred_at,
    event_id,
    new_status,
    new_status in ('solved', 'closed') and previous_status not in ('solved', 'closed') as is_resolution,
    previous_status in ('solved', 'closed') and new_status in ('new', 'open', 'pending', 'on_hold') as is_reopen
from (select * from sequenced union all select * from from_record);

-- One row per ticket: the ticket facts of kpis.md the scorecard needs.
create temp table ticket_facts as
with
resolutions as (
    select
        ticket_id,
        min(changed_at) filter (where is_resolution) as first_resolved_at,
        max(changed_at) filter (where is_resolution) as last_resolved_at,
        count(*) filter (where is_reopen) as reopen_count
    from status_changes
    group by ticket_id
),
assignments as (
    select ticket_id, min(occurred_at) as first_assigned_at
    from events
    where event_type = 'assigned' and new_value is not null
    group by ticket_id
),
escalations as (
    select distinct ticket_id from events where event_type = 'escalated'
),
-- agent replies and customer replies up to the first resolution (all when never resolved)
messages as (
    select
        ev.ticket_id,
        count(*) filter (where ev.event_type = 'agent_reply' and ev.actor_type = 'agent' and ev.is_public) as agent_replies,
        count(*) filter (where ev.event_type = 'customer_reply') as customer_replies
    from events as ev
    left join resolutions as r using (ticket_id)
    where r.first_resolved_at is null or ev.occurred_at <= r.first_resolved_at
    group by ev.ticket_id
)
select
    t.ticket_id,
    t.created_at,
    t.status,
    t.ticket_type,
    r.first_resolved_at,
    r.last_resolved_at,
    coalesce(r.reopen_count, 0) as reopen_count,
    -- an assignment stamped before creation counts at creation (greatest() would skip a null)
    case when a.first_assigned_at is not null then greatest(a.first_assigned_at, t.created_at) end as first_assigned_at,
    e.ticket_id is not null as is_escalated,
    coalesce(m.agent_replies, 0) as agent_replies,
    coalesce(m.customer_replies, 0) as customer_replies
from tickets as t
left join resolutions as r using (ticket_id)
left join assignments as a using (ticket_id)
left join escalations as e using (ticket_id)
left join messages as m using (ticket_id);

create temp table monthly as
with
-- months with helpdesk data (a ticket created or an event in the month): count KPIs have a row,
-- 0 when nothing was counted
months as (
    select distinct date_trunc('month', created_at) as month from tickets
    union
    select distinct date_trunc('month', occurred_at) from events
),
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
first_resolved as (
    select
        date_trunc('month', first_resolved_at) as month,
        count(*) as n,
        avg(epoch(first_resolved_at - created_at) / 3600.0) as hours,
        avg(epoch(first_resolved_at - created_at) / 3600.0)
            filter (where ticket_type = 'complaint' or is_escalated) as complaint_hours,
        count(*) filter (where agent_replies = 1 and reopen_count = 0) as fcr,
        avg(agent_replies) as agent_replies,
        avg(customer_replies) as customer_replies
    from ticket_facts
    where first_resolved_at is not null
    group by 1
),
full_resolved as (
    select date_trunc('month', last_resolved_at) as month, avg(epoch(last_resolved_at - created_at) / 3600.0) as hours
    from ticket_facts
    where last_resolved_at is not null and status in ('solved', 'closed')
    group by 1
),
first_assignment as (
    select date_trunc('month', created_at) as month, avg(epoch(first_assigned_at - created_at) / 60.0) as minutes
    from ticket_facts
    where first_assigned_at is not null
    group by 1
),
-- recurring: the requester's latest earlier ticket of the same category (ties by ticket_id) was
-- created at most 30 days before
recurring as (
    select month, count(*) filter (where is_recurring) as n
    from (
        select
            date_trunc('month', created_at) as month,
            coalesce(
                lag(created_at) over (partition by requester_id, category order by created_at, ticket_id)
                >= created_at - interval 30 day,
                false
            ) as is_recurring
        from tickets
        where requester_id is not null and category is not null
    )
    group by 1
),
-- status at the end of m = new_status of the ticket's last change before the start of m + 1
-- ('new' before its first change), over tickets created before the start of m + 1
month_ends as (
    select month, month + interval 1 month as month_end from months
),
-- the last change of each ticket at each instant (changes clamped to creation can share one)
last_change_at as (
    select ticket_id, changed_at, new_status
    from status_changes
    qualify row_number() over (partition by ticket_id, changed_at order by occurred_at desc, event_id desc) = 1
),
status_at_end as (
    select me.month, t.ticket_id, coalesce(lc.new_status, 'new') as status
    from month_ends as me
    join tickets as t on t.created_at < me.month_end
    asof left join last_change_at as lc
        on t.ticket_id = lc.ticket_id and me.month_end > lc.changed_at
),
backlog as (
    select
        month,
        count(*) filter (where status not in ('solved', 'closed')) as unresolved,
        count(*) filter (where status in ('new', 'open')) as awaiting_agent
    from status_at_end
    group by 1
),
first_reply as (
    select date_trunc('month', t.created_at) as month, epoch(min(e.occurred_at) - t.created_at) / 60.0 as minutes
    from tickets as t
    join events as e
      on e.ticket_id = t.ticket_id
     and e.event_type = 'agent_reply' and e.actor_type = 'agent' and e.is_public
     and e.occurred_at >= t.created_at
    group by t.ticket_id, t.created_at
),
-- response time of each agent reply: since the earliest customer message (the ticket's creation
-- or a customer_reply) after the previous agent reply and not after this one; at one instant the
-- customer's message comes first, two agent replies go by event_id. Month of the reply.
agent_replies as (
    select
        ticket_id,
        event_id,
        occurred_at,
        lag(occurred_at) over (partition by ticket_id order by occurred_at, event_id) as previous_reply_at
    from events
    where event_type = 'agent_reply' and actor_type = 'agent' and is_public
),
customer_messages as (
    select ticket_id, created_at as message_at from tickets
    union all
    select ticket_id, occurred_at from events where event_type = 'customer_reply'
),
responses as (
    select
        date_trunc('month', r.occurred_at) as month,
        epoch(r.occurred_at - min(m.message_at)) / 60.0 as minutes
    from agent_replies as r
    join customer_messages as m
      on m.ticket_id = r.ticket_id
     and m.message_at <= r.occurred_at
     and (r.previous_reply_at is null or m.message_at > r.previous_reply_at)
    group by r.ticket_id, r.event_id, r.occurred_at
)
select month, 'tickets_created' as kpi_id, coalesce(c.n, 0)::double as value from months left join created as c using (month)
union all select month, 'tickets_resolved', coalesce(r.n, 0)::double from months left join resolved as r using (month)
union all select month, 'reopened_tickets', coalesce(o.n, 0)::double from months left join reopened as o using (month)
union all
select c.month, 'resolution_rate_pct', coalesce(r.n, 0) * 100.0 / c.n
from created as c left join resolved as r using (month)
union all
select c.month, 'escalated_tickets_pct', coalesce(e.n, 0) * 100.0 / c.n
from created as c left join escalated as e using (month)
union all
select month, 'reassigned_tickets', count(ra.month)::double from months left join reassigned as ra using (month) group by month
union all
select month, 'first_response_time_avg_minutes', avg(minutes) from first_reply group by month
union all
select month, 'response_time_avg_minutes', avg(minutes) from responses group by month
union all
select month, 'tickets_resolved_change_pct', (coalesce(r.n, 0) - p.n) * 100.0 / p.n
from months
left join resolved as r using (month)
join (select m2.month + interval 1 month as month, coalesce(r2.n, 0) as n from months as m2 left join resolved as r2 using (month)) as p
    using (month)
where p.n > 0
union all select month, 'resolution_time_avg_hours', hours from first_resolved
union all select month, 'complaint_resolution_time_avg_hours', complaint_hours from first_resolved where complaint_hours is not null
union all select month, 'first_contact_resolution_pct', fcr * 100.0 / n from first_resolved
union all select month, 'agent_replies_per_ticket', agent_replies from first_resolved
union all select month, 'customer_replies_per_ticket', customer_replies from first_resolved
union all select month, 'full_resolution_time_avg_hours', hours from full_resolved
union all select month, 'first_assignment_time_avg_minutes', minutes from first_assignment
union all
select month, 'recurring_incident_tickets', coalesce(rc.n, 0)::double
from months left join recurring as rc using (month)
union all select month, 'tickets_unresolved_end_of_month', unresolved::double from backlog
union all select month, 'tickets_awaiting_agent_end_of_month', awaiting_agent::double from backlog;

select cast(month as date) as month, kpi_id, value from monthly where value is not null order by month, kpi_id;
