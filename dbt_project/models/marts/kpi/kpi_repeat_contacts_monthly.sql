-- How many customers made how many contacts in a month: one row per month and number of contacts
-- per customer. Only tickets and inbound calls with a customer_id count (kpis.md: bot
-- conversations and contacts of unknown customers are left out). repeat_contact_rate_pct of the
-- KPI registry = customers with >= 2 / customers with >= 1 (semantic model repeat_contacts_monthly).
with

contacts as (

    select
        customer_id,
        contact_month
    from {{ ref('int_contacts__unioned') }}
    where customer_id is not null and contact_type in ('ticket', 'inbound_call')

),

customer_contacts as (

    select
        contact_month as month,
        customer_id,
        count(*) as contacts_count
    from contacts
    group by all

)

select
    month,
    cast(contacts_count as bigint) as contacts_per_customer,
    cast(count(*) as bigint) as customers_count
from customer_contacts
group by all
