-- Roll-up identity: every company-wide customer count of the scorecard (value, numerator and
-- denominator of customers_*, churn, retention, referral, loyalty, training) equals the sum of
-- the same parts over the segments of kpi_customer_lifecycle_monthly, and kpi_segment_analysis
-- (month x segment x industry x region) sums to the same S, N, L, C and E per segment; its own
-- groups satisfy E = S + N - L - C. Error severity.
{{ config(severity='error', tags=['identity', 'customers']) }}

with

lifecycle as (

    select
        month,
        segment,
        customers_start,
        customers_end,
        customers_new,
        customers_new_referral,
        customers_lost,
        customers_new_churned,
        loyalty_members_end,
        training_customers_end
    from {{ ref('kpi_customer_lifecycle_monthly') }}

),

segment_analysis as (

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
    from {{ ref('kpi_segment_analysis') }}

),

scorecard as (

    select
        month,
        kpi_id,
        value,
        numerator,
        denominator
    from {{ ref('kpi_scorecard_monthly') }}

),

company as (

    select
        month,
        sum(customers_start) as customers_start,
        sum(customers_end) as customers_end,
        sum(customers_new) as customers_new,
        sum(customers_new_referral) as customers_new_referral,
        sum(customers_lost) as customers_lost,
        sum(loyalty_members_end) as loyalty_members_end,
        sum(training_customers_end) as training_customers_end
    from lifecycle
    group by all

),

kpis as (

    select kpi_list.kpi_id
    from (
        values
        ('customers_start'),
        ('customers_end'),
        ('customers_new'),
        ('customers_lost'),
        ('churn_rate_pct'),
        ('customer_retention_rate_pct'),
        ('referral_rate_pct'),
        ('loyalty_participation_pct'),
        ('training_participation_pct')
    ) as kpi_list (kpi_id)

),

-- expected numerator and denominator from the segment sums; counts: value = numerator, no
-- denominator
expected as (

    select
        company.month,
        kpis.kpi_id,
        case kpis.kpi_id
            when 'customers_start' then company.customers_start
            when 'customers_end' then company.customers_end
            when 'customers_new' then company.customers_new
            when 'customers_lost' then company.customers_lost
            when 'churn_rate_pct' then company.customers_lost
            when 'customer_retention_rate_pct' then company.customers_end - company.customers_new
            when 'referral_rate_pct' then company.customers_new_referral
            when 'loyalty_participation_pct' then company.loyalty_members_end
            when 'training_participation_pct' then company.training_customers_end
        end as numerator,
        case kpis.kpi_id
            when 'churn_rate_pct' then company.customers_start
            when 'customer_retention_rate_pct' then company.customers_start
            when 'referral_rate_pct' then company.customers_new
            when 'loyalty_participation_pct' then company.customers_end
            when 'training_participation_pct' then company.customers_end
        end as denominator
    from company
    cross join kpis

),

scorecard_mismatches as (

    select
        'scorecard ' || expected.kpi_id as failure,
        expected.month,
        cast(scorecard.numerator as string) || ' / ' || cast(scorecard.denominator as string) as got,
        cast(expected.numerator as string) || ' / ' || cast(expected.denominator as string) as expected
    from expected
    left join scorecard
        on
            expected.month = scorecard.month
            and expected.kpi_id = scorecard.kpi_id
    where
        scorecard.kpi_id is null
        or scorecard.numerator is distinct from expected.numerator
        or scorecard.denominator is distinct from expected.denominator
        or (expected.denominator is null and scorecard.value is distinct from expected.numerator)

),

segment_sums as (

    select
        month,
        segment,
        sum(customers_start) as customers_start,
        sum(customers_end) as customers_end,
        sum(customers_new) as customers_new,
        sum(customers_lost) as customers_lost,
        sum(customers_new_churned) as customers_new_churned
    from segment_analysis
    group by all

),

segment_mismatches as (

    select
        'kpi_segment_analysis vs kpi_customer_lifecycle_monthly, segment ' || lifecycle.segment as failure,
        lifecycle.month,
        concat_ws(
            ' ', segment_sums.customers_start, segment_sums.customers_new, segment_sums.customers_lost,
            segment_sums.customers_new_churned, segment_sums.customers_end
        ) as got,
        concat_ws(
            ' ', lifecycle.customers_start, lifecycle.customers_new, lifecycle.customers_lost,
            lifecycle.customers_new_churned, lifecycle.customers_end
        ) as expected
    from lifecycle
    full outer join segment_sums
        on
            lifecycle.month = segment_sums.month
            and lifecycle.segment = segment_sums.segment
    where
        lifecycle.month is null
        or segment_sums.month is null
        or lifecycle.customers_start != segment_sums.customers_start
        or lifecycle.customers_end != segment_sums.customers_end
        or lifecycle.customers_new != segment_sums.customers_new
        or lifecycle.customers_lost != segment_sums.customers_lost
        or lifecycle.customers_new_churned != segment_sums.customers_new_churned

),

group_flow as (

    select
        'kpi_segment_analysis flow E = S + N - L - C, ' || concat_ws('/', segment, industry, region) as failure,
        month,
        cast(customers_end as string) as got,
        cast(customers_start + customers_new - customers_lost - customers_new_churned as string) as expected
    from segment_analysis
    where customers_end != customers_start + customers_new - customers_lost - customers_new_churned

)

select * from scorecard_mismatches
union all
select * from segment_mismatches
union all
select * from group_flow
