-- Accounting identity, company-wide: the scorecard's customers_start (S), customers_new (N),
-- customers_lost (L) and customers_end (E) satisfy E = S + N - L - C, with C = customers created
-- and churned in m, and each of them equals a recount straight from mart.dim_customers that
-- shares no code with the lifecycle models (month = reporting month; churned_at >= created_at
-- is a loader rule, so "churned before m" implies "created before m"):
--   S(m) = #(created_month < m) - #(churned_month < m)      E(m) = S(m+1)
--   N(m) = #(created_month = m)   L(m) = #(churned_month = m and created_month < m)
--   C(m) = #(created_month = churned_month = m)
-- Error severity.
{{ config(severity='error', tags=['identity', 'customers']) }}

with

customers as (

    select
        {{ to_reporting_month('created_at') }} as created_month,
        {{ to_reporting_month('churned_at') }} as churned_month
    from {{ ref('dim_customers') }}

),

scorecard as (

    select
        month,
        max(value) filter (where kpi_id = 'customers_start') as customers_start,
        max(value) filter (where kpi_id = 'customers_new') as customers_new,
        max(value) filter (where kpi_id = 'customers_lost') as customers_lost,
        max(value) filter (where kpi_id = 'customers_end') as customers_end
    from {{ ref('kpi_scorecard_monthly') }}
    where kpi_id in ('customers_start', 'customers_new', 'customers_lost', 'customers_end')
    group by all

),

created_counts as (

    select
        created_month as month,
        count(*) as created_count,
        count(*) filter (where churned_month = created_month) as created_churned_count
    from customers
    group by all

),

churned_counts as (

    select
        churned_month as month,
        count(*) as churned_count,
        count(*) filter (where created_month < churned_month) as churned_earlier_created_count
    from customers
    where churned_month is not null
    group by all

),

created_before as (

    select
        scorecard.month,
        coalesce(sum(created_counts.created_count), 0) as created_before_count
    from scorecard
    left join created_counts on scorecard.month > created_counts.month
    group by all

),

churned_before as (

    select
        scorecard.month,
        coalesce(sum(churned_counts.churned_count), 0) as churned_before_count
    from scorecard
    left join churned_counts on scorecard.month > churned_counts.month
    group by all

),

recount as (

    select
        scorecard.month,
        created_before.created_before_count - churned_before.churned_before_count as customers_start,
        coalesce(created_counts.created_count, 0) as customers_new,
        coalesce(churned_counts.churned_earlier_created_count, 0) as customers_lost,
        coalesce(created_counts.created_churned_count, 0) as customers_new_churned,
        created_before.created_before_count + coalesce(created_counts.created_count, 0)
        - churned_before.churned_before_count - coalesce(churned_counts.churned_count, 0) as customers_end
    from scorecard
    inner join created_before on scorecard.month = created_before.month
    inner join churned_before on scorecard.month = churned_before.month
    left join created_counts on scorecard.month = created_counts.month
    left join churned_counts on scorecard.month = churned_counts.month

)

select
    scorecard.month,
    scorecard.customers_start,
    scorecard.customers_new,
    scorecard.customers_lost,
    scorecard.customers_end,
    recount.customers_start as recount_start,
    recount.customers_new as recount_new,
    recount.customers_lost as recount_lost,
    recount.customers_new_churned as recount_new_churned,
    recount.customers_end as recount_end
from scorecard
inner join recount on scorecard.month = recount.month
where
    scorecard.customers_end is distinct from (
        scorecard.customers_start + scorecard.customers_new - scorecard.customers_lost
        - recount.customers_new_churned
    )
    or scorecard.customers_start is distinct from recount.customers_start
    or scorecard.customers_new is distinct from recount.customers_new
    or scorecard.customers_lost is distinct from recount.customers_lost
    or scorecard.customers_end is distinct from recount.customers_end
