-- Segment analysis (guide 000) per month x segment x industry x region of the customer (groups
-- of int_customers__lifecycle_monthly; missing attributes are 'unknown'), additive parts beside
-- the ratios so any roll-up (segment only, region only, ...) is exact:
--   churn_rate_pct       customers_lost / customers_start x 100 (as the scorecard)
--   tickets_per_customer tickets created in m by the group's customers / customers_end
--   nps                  (promoters - detractors) / answered nps with a score x 100, responded in m
--   csat_pct             positive / answered csat with a score x 100, responded in m
-- Tickets and survey responses of customers unknown to the crm (or without customer_id) are
-- left out. Months: those of the customer KPIs (int_customers__months).
with

lifecycle as (

    select
        month,
        segment,
        industry,
        region,
        customers_start,
        customers_end,
        customers_new,
        customers_lost,
        customers_new_churned
    from {{ ref('int_customers__lifecycle_monthly') }}

),

customers as (

    select
        customer_id,
        segment,
        industry,
        region
    from {{ ref('int_customers__spans') }}

),

tickets as (

    select
        requester_id,
        created_month
    from {{ ref('fct_tickets') }}
    where requester_id is not null

),

survey_responses as (

    select
        customer_id,
        survey_type,
        responded_month,
        is_csat_positive,
        nps_category
    from {{ ref('fct_survey_responses') }}
    where is_answered and customer_id is not null and survey_type in ('nps', 'csat')

),

tickets_by_group as (

    select
        tickets.created_month as month,
        customers.segment,
        customers.industry,
        customers.region,
        count(*) as tickets_created
    from tickets
    inner join customers on tickets.requester_id = customers.customer_id
    group by all

),

surveys_by_group as (

    select
        survey_responses.responded_month as month,
        customers.segment,
        customers.industry,
        customers.region,
        count(*) filter (where survey_responses.nps_category is not null) as nps_responses,
        count(*) filter (where survey_responses.nps_category = 'promoter') as nps_promoters,
        count(*) filter (where survey_responses.nps_category = 'detractor') as nps_detractors,
        count(*) filter (
            where survey_responses.survey_type = 'csat' and survey_responses.is_csat_positive is not null
        ) as csat_responses,
        count(*) filter (where survey_responses.is_csat_positive) as csat_positive
    from survey_responses
    inner join customers on survey_responses.customer_id = customers.customer_id
    group by all

),

joined as (

    select
        lifecycle.month,
        lifecycle.segment,
        lifecycle.industry,
        lifecycle.region,
        lifecycle.customers_start,
        lifecycle.customers_end,
        lifecycle.customers_new,
        lifecycle.customers_lost,
        lifecycle.customers_new_churned,
        coalesce(tickets_by_group.tickets_created, 0) as tickets_created,
        coalesce(surveys_by_group.nps_responses, 0) as nps_responses,
        coalesce(surveys_by_group.nps_promoters, 0) as nps_promoters,
        coalesce(surveys_by_group.nps_detractors, 0) as nps_detractors,
        coalesce(surveys_by_group.csat_responses, 0) as csat_responses,
        coalesce(surveys_by_group.csat_positive, 0) as csat_positive
    from lifecycle
    left join tickets_by_group
        on
            lifecycle.month = tickets_by_group.month
            and lifecycle.segment = tickets_by_group.segment
            and lifecycle.industry = tickets_by_group.industry
            and lifecycle.region = tickets_by_group.region
    left join surveys_by_group
        on
            lifecycle.month = surveys_by_group.month
            and lifecycle.segment = surveys_by_group.segment
            and lifecycle.industry = surveys_by_group.industry
            and lifecycle.region = surveys_by_group.region

)

select
    month,
    segment,
    industry,
    region,
    customers_start,
    customers_end,
    customers_new,
    customers_lost,
    customers_new_churned,
    cast(tickets_created as bigint) as tickets_created,
    cast(nps_responses as bigint) as nps_responses,
    cast(nps_promoters as bigint) as nps_promoters,
    cast(nps_detractors as bigint) as nps_detractors,
    cast(csat_responses as bigint) as csat_responses,
    cast(csat_positive as bigint) as csat_positive,
    cast(case
        when customers_start > 0 then 100.0 * customers_lost / customers_start
    end as double) as churn_rate_pct,
    cast(case when customers_end > 0 then tickets_created / customers_end end as double) as tickets_per_customer,
    cast(case
        when nps_responses > 0 then 100.0 * (nps_promoters - nps_detractors) / nps_responses
    end as double) as nps,
    cast(case when csat_responses > 0 then 100.0 * csat_positive / csat_responses end as double) as csat_pct
from joined
