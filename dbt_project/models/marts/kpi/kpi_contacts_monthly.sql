-- Customer contacts per month and contact type (int_contacts__unioned: tickets created, inbound
-- calls of any outcome, bot conversations started, with or without a customer). contact_volume
-- of the KPI registry sums them over the types (semantic model contacts_monthly).
with

contacts as (

    select
        contact_type,
        contact_month
    from {{ ref('int_contacts__unioned') }}

)

select
    contact_month as month,
    contact_type,
    cast(count(*) as bigint) as contacts_count
from contacts
group by all
