-- Ticket load heat-map: ISO weekday x hour of day in the reporting time zone, over the whole
-- observed period, tickets created and inbound calls (any outcome) side by side. Averages divide
-- by the number of such weekdays in the observed period (first to last contact day of either
-- kind), so a quiet hour counts as 0.
with

contacts as (

    select
        contact_hour_local,
        contact_type,
        contacts_count
    from {{ ref('int_kpi__contacts_by_hour') }}

),

bounds as (

    select
        cast(min(contact_hour_local) as date) as first_day,
        cast(max(contact_hour_local) as date) as last_day
    from contacts

),

observed_days as (

    select {{ series('bounds.first_day', 'bounds.last_day', 'interval 1 day', 'date') }} as observed_date
    from bounds

),

weekdays as (

    select
        {{ iso_weekday('observed_date') }} as day_of_week_iso,
        {{ weekday_name('observed_date') }} as day_name,
        count(*) as weekdays_observed
    from observed_days
    group by all

),

hours as (

    select {{ series('0', '23', none, 'integer') }} as hour_of_day

),

hourly_counts as (

    select
        {{ iso_weekday('contact_hour_local') }} as day_of_week_iso,
        hour(contact_hour_local) as hour_of_day,
        cast(sum(contacts_count) filter (where contact_type = 'ticket') as bigint) as tickets_created_count,
        cast(sum(contacts_count) filter (where contact_type = 'inbound_call') as bigint) as inbound_calls_count
    from contacts
    group by all

)

select
    weekdays.day_of_week_iso,
    weekdays.day_name,
    hours.hour_of_day,
    weekdays.weekdays_observed,
    coalesce(hourly_counts.tickets_created_count, 0) as tickets_created_count,
    coalesce(hourly_counts.tickets_created_count, 0) / weekdays.weekdays_observed
        as tickets_created_per_hour_avg,
    coalesce(hourly_counts.inbound_calls_count, 0) as inbound_calls_count,
    coalesce(hourly_counts.inbound_calls_count, 0) / weekdays.weekdays_observed
        as inbound_calls_per_hour_avg,
    coalesce(hourly_counts.tickets_created_count, 0) + coalesce(hourly_counts.inbound_calls_count, 0)
        as contacts_count,
    (coalesce(hourly_counts.tickets_created_count, 0) + coalesce(hourly_counts.inbound_calls_count, 0))
    / weekdays.weekdays_observed as contacts_per_hour_avg
from weekdays
cross join hours
left join hourly_counts
    on
        weekdays.day_of_week_iso = hourly_counts.day_of_week_iso
        and hours.hour_of_day = hourly_counts.hour_of_day
