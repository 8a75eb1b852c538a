-- Ticket backlog flow per reporting month: opening + created + reopen transitions - resolve
-- transitions = closing. Built from the same status spells as the scorecard's backlog
-- (int_ticket_status_intervals, which reads int_ticket_status_changes, so synthetic changes for
-- tickets without status history and changes stamped before created_at follow). Opening and
-- closing are point counts (unresolved just before the first instant of m / of m+1), the flows are
-- transitions at instants in the half-open month [start of m, start of m+1), so the balance is an
-- identity between independently computed counts, tested in tests/identities/.
with

status_intervals as (

    select
        ticket_id,
        status,
        previous_status,
        valid_from,
        valid_to
    from {{ ref('int_ticket_status_intervals') }}

),

helpdesk_months as (

    select month from {{ ref('int_kpi__helpdesk_months') }}

),

spells as (

    select
        ticket_id,
        status not in ('solved', 'closed') as is_unresolved,
        {{ to_reporting_month('valid_from') }} as from_month,
        {{ to_reporting_month('valid_to') }} as to_month,
        -- null for a ticket's first spell
        previous_status not in ('solved', 'closed') as previous_is_unresolved
    from status_intervals

),

month_spine as (

    select {{ series('bounds.first_month', 'bounds.last_month', 'interval 1 month', 'date') }} as month
    from (
        select
            min(month) as first_month,
            max(month) as last_month
        from helpdesk_months
    ) as bounds

),

flows as (

    select
        from_month as month,
        -- the first spell of a ticket starts at created_at: the ticket enters as created (new)
        count(*) filter (where previous_is_unresolved is null) as created_tickets,
        count(*) filter (where previous_is_unresolved = false and is_unresolved) as reopen_transitions,
        -- a ticket created already solved enters and is resolved at the same instant
        count(*) filter (
            where not is_unresolved and coalesce(previous_is_unresolved, true)
        ) as resolve_transitions
    from spells
    group by all

),

point_counts as (

    select
        month_spine.month,
        count(spells.ticket_id) filter (
            where spells.from_month < month_spine.month
            and (spells.to_month is null or spells.to_month >= month_spine.month)
        ) as opening_unresolved_tickets,
        count(spells.ticket_id) filter (
            where spells.from_month <= month_spine.month
            and (spells.to_month is null or spells.to_month > month_spine.month)
        ) as closing_unresolved_tickets
    from month_spine
    left join spells
        on
            spells.is_unresolved
            and month_spine.month >= spells.from_month
            and (spells.to_month is null or month_spine.month <= spells.to_month)
    group by all

)

select
    point_counts.month,
    cast(point_counts.opening_unresolved_tickets as bigint) as opening_unresolved_tickets,
    cast(coalesce(flows.created_tickets, 0) as bigint) as created_tickets,
    cast(coalesce(flows.reopen_transitions, 0) as bigint) as reopen_transitions,
    cast(coalesce(flows.resolve_transitions, 0) as bigint) as resolve_transitions,
    cast(point_counts.closing_unresolved_tickets as bigint) as closing_unresolved_tickets
from point_counts
left join flows on point_counts.month = flows.month
