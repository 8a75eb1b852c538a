-- Months (reporting time zone) in which the helpdesk source has data: a ticket was created or a
-- ticket event occurred. Helpdesk scorecard KPIs have a row exactly for these months (a count is
-- 0 in such a month when nothing was counted; months without helpdesk data have no row).
with

ticket_events as (

    select occurred_at from {{ ref('stg_helpdesk__ticket_events') }}

),

tickets as (

    select created_month from {{ ref('fct_tickets') }}

),

helpdesk_months as (

    select distinct {{ to_reporting_month('occurred_at') }} as month
    from ticket_events

    union

    select created_month as month
    from tickets

)

select month
from helpdesk_months
where month is not null
