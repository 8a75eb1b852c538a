-- Customer contacts per local hour (reporting time zone) and contact type, long form, for the
-- load heat-map: tickets by created_at ('ticket') and inbound calls of any outcome by arrived_at
-- ('inbound_call').
with

tickets as (

    select created_at from {{ ref('fct_tickets') }}

),

calls as (

    select arrived_at from {{ ref('fct_calls') }}
    where is_inbound

),

ticket_contacts as (

    select
        date_trunc(
            'hour', {{ utc_to_local('created_at', "'" ~ var('reporting_time_zone') ~ "'") }}
        ) as contact_hour_local,
        'ticket' as contact_type,
        count(*) as contacts_count
    from tickets
    group by all

),

call_contacts as (

    select
        date_trunc(
            'hour', {{ utc_to_local('arrived_at', "'" ~ var('reporting_time_zone') ~ "'") }}
        ) as contact_hour_local,
        'inbound_call' as contact_type,
        count(*) as contacts_count
    from calls
    group by all

),

contacts as (

    select * from ticket_contacts
    union all
    select * from call_contacts

)

select
    contact_hour_local,
    contact_type,
    contacts_count
from contacts
