-- One row per status change, with the status it left and its classification:
-- resolution = into solved/closed from a status that is not solved/closed;
-- reopen = out of solved/closed into new/open/pending/on_hold.
-- The previous status is old_value; when old_value is missing it is the new_value of the
-- ticket's previous status change ('new' before the first one).
with

ticket_events as (

    select
        event_id,
        ticket_id,
        occurred_at,
        old_value,
        new_value
    from {{ ref('stg_helpdesk__ticket_events') }}
    where event_type = 'status_changed' and new_value is not null

),

sequenced as (

    select
        event_id,
        ticket_id,
        occurred_at as changed_at,
        row_number() over (
            partition by ticket_id order by occurred_at, event_id
        ) as change_number,
        coalesce(
            old_value,
            lag(new_value) over (partition by ticket_id order by occurred_at, event_id),
            'new'
        ) as previous_status,
        new_value as new_status
    from ticket_events

)

select
    event_id,
    ticket_id,
    changed_at,
    change_number,
    previous_status,
    new_status,
    (
        new_status in ('solved', 'closed')
        and previous_status not in ('solved', 'closed')
    ) as is_resolution,
    (
        previous_status in ('solved', 'closed')
        and new_status in ('new', 'open', 'pending', 'on_hold')
    ) as is_reopen
from sequenced
