-- Customer interactions per month and interaction type (int_customers__interactions: tickets,
-- inbound calls, bot conversations, web sessions and crm activities with a customer_id): the
-- numerator of interactions_per_customer in the KPI registry (semantic model
-- customer_interactions_monthly).
with

interactions as (

    select
        interaction_type,
        interaction_month
    from {{ ref('int_customers__interactions') }}

)

select
    interaction_month as month,
    interaction_type,
    cast(count(*) as bigint) as interactions_count
from interactions
group by all
