-- Identity: opening + created + reopen transitions - resolve transitions = closing, and
-- opening(m) = closing(m - 1), in kpi_ticket_backlog_flow_monthly. Integers, compared exactly.
-- Returns the months that break either.
{{ config(severity='error') }}
with

flow as (

    select
        month,
        opening_unresolved_tickets,
        created_tickets,
        reopen_transitions,
        resolve_transitions,
        closing_unresolved_tickets,
        lag(closing_unresolved_tickets) over (order by month) as previous_closing,
        lag(month) over (order by month) as previous_month
    from {{ ref('kpi_ticket_backlog_flow_monthly') }}

)

select *
from flow
where
    opening_unresolved_tickets + created_tickets + reopen_transitions - resolve_transitions
    <> closing_unresolved_tickets
    or (previous_month is null and opening_unresolved_tickets <> 0)
    or (previous_month is not null and previous_month <> month - interval 1 month)
    or (previous_month is not null and opening_unresolved_tickets <> previous_closing)
