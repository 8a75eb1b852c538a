-- Months (reporting time zone) of the contact KPIs, contact_volume and repeat_contact_rate_pct:
-- every month in which a source of contacts has data, helpdesk, telephony or web (bot
-- conversations are part of the web source), so a month with only bot conversations has rows.
with

helpdesk_months as (

    select month from {{ ref('int_kpi__helpdesk_months') }}

),

telephony_months as (

    select month from {{ ref('int_telephony__months') }}

),

web_months as (

    select month from {{ ref('int_web__months') }}

)

select month from helpdesk_months
union
select month from telephony_months
union
select month from web_months
