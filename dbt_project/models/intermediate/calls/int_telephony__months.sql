-- Months (reporting time zone) in which the telephony source has data: a call arrived (any
-- direction) or an agent-state piece lies in the month. Telephony scorecard KPIs have a row
-- exactly for these months (counts 0, ratios over 0 null); other months have no telephony row.
with

calls as (

    select arrived_month from {{ ref('fct_calls') }}

),

agent_days as (

    select state_month from {{ ref('int_agent_states__daily') }}

),

telephony_months as (

    select distinct arrived_month as month from calls
    union
    select distinct state_month as month from agent_days

)

select month
from telephony_months
where month is not null
