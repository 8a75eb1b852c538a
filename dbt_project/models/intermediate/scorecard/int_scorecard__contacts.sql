-- Scorecard family "contacts" in long form: contact_volume and repeat_contact_rate_pct, from
-- int_contacts__unioned (tickets + inbound calls + bot conversations).
--   contact_volume          every contact in m (tickets created + inbound calls of any outcome +
--                           bot conversations started)
--   repeat_contact_rate_pct customers with >= 2 ticket / inbound-call contacts in m / customers
--                           with >= 1 (contacts without customer_id are left out) x 100
-- Rows for every month in which a source of contact_volume has data: helpdesk, telephony or web
-- (int_web__months; bot conversations are part of the web source), so a month with only bot
-- conversations has a contact_volume row.
with

helpdesk_months as (

    select month from {{ ref('int_kpi__helpdesk_months') }}

),

telephony_months as (

    select month from {{ ref('int_telephony__months') }}

),

web_months as (

    select month from {{ ref('int_web__months') }}

),

contacts as (

    select
        contact_type,
        customer_id,
        contact_month
    from {{ ref('int_contacts__unioned') }}

),

months as (

    select month from helpdesk_months
    union
    select month from telephony_months
    union
    select month from web_months

),

volume as (

    select
        contact_month as month,
        count(*) as contacts
    from contacts
    group by all

),

customer_contacts as (

    -- repeat contacts count tickets and inbound calls only (kpis.md), not later contact types
    select
        contact_month as month,
        customer_id,
        count(*) as contacts
    from contacts
    where customer_id is not null and contact_type in ('ticket', 'inbound_call')
    group by all

),

repeat_customers as (

    select
        month,
        count(*) filter (where contacts >= 2) as repeat_customers,
        count(*) as contacting_customers
    from customer_contacts
    group by all

),

long_form as (

    select
        months.month,
        'contact_volume' as kpi_id,
        coalesce(volume.contacts, 0) as numerator,
        null as denominator
    from months
    left join volume on months.month = volume.month

    union all

    select
        months.month,
        'repeat_contact_rate_pct' as kpi_id,
        coalesce(repeat_customers.repeat_customers, 0) as numerator,
        coalesce(repeat_customers.contacting_customers, 0) as denominator
    from months
    left join repeat_customers on months.month = repeat_customers.month

)

select
    month,
    kpi_id,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(case
        when denominator is null then numerator
        when denominator <> 0 then 100.0 * numerator / denominator
    end as double) as value
from long_form
