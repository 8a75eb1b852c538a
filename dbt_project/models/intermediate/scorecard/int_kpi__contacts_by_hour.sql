-- Customer contacts per local hour (reporting time zone) and contact type, long form, for the
-- load heat-map. Today: tickets by created_at ('ticket'). The telephony issue adds its inbound
-- calls by arrived_at as another `union all` branch with contact_type 'inbound_call'.
with

tickets as (

    select created_at from {{ ref('fct_tickets') }}

),

ticket_contacts as (

    select
        date_trunc(
            'hour', timezone('{{ var("reporting_time_zone") }}', timezone('UTC', created_at))
        ) as contact_hour_local,
        'ticket' as contact_type,
        count(*) as contacts_count
    from tickets
    group by all

)

select
    contact_hour_local,
    contact_type,
    contacts_count
from ticket_contacts
