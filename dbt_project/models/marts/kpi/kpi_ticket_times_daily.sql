{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'affected_by': {'model': 'int_affected__ticket_metric_dates', 'key': ['metric_date']}},
        pre_hook="{{ delete_affected_rows() }}",
    )
}}
-- depends_on: {{ ref('int_affected__ticket_metric_dates') }}
-- Response and resolution times per reporting-time-zone day x channel x group x priority.
-- Each measure sits on its own day: first response on the ticket's created day (tickets with a
-- first reply), response time on the reply's day (agent replies with a waiting customer message),
-- resolution on the day of the first resolution. Counts and sums are additive; means, medians
-- and 90th percentiles (quantile_cont) are for that cell only. Sums and means are exact
-- (integer milliseconds, macros/exact_sums.sql): the same in every build of the same files.
-- Incremental: the days of int_affected__ticket_metric_dates are deleted and aggregated again.
with

tickets as (

    select
        created_date,
        first_resolved_at,
        channel,
        group_id,
        priority,
        first_response_minutes,
        first_response_business_minutes,
        first_resolution_minutes
    from {{ ref('fct_tickets') }}

),

replies as (

    select
        replied_date,
        channel,
        group_id,
        priority,
        response_minutes
    from {{ ref('fct_ticket_replies') }}
    where response_minutes is not null

),

measurements as (

    select
        created_date as metric_date,
        channel,
        group_id,
        priority,
        first_response_minutes,
        first_response_business_minutes,
        null::double as response_minutes,
        null::double as resolution_minutes
    from tickets
    where first_response_minutes is not null

    union all

    select
        replied_date as metric_date,
        channel,
        group_id,
        priority,
        null::double as first_response_minutes,
        null::double as first_response_business_minutes,
        response_minutes,
        null::double as resolution_minutes
    from replies

    union all

    select
        {{ to_reporting_date('first_resolved_at') }} as metric_date,
        channel,
        group_id,
        priority,
        null::double as first_response_minutes,
        null::double as first_response_business_minutes,
        null::double as response_minutes,
        first_resolution_minutes as resolution_minutes
    from tickets
    where first_resolution_minutes is not null

),

recomputed_measurements as (

    select * from measurements
    {%- if is_incremental() %}
        where metric_date in (
            select affected.metric_date from {{ ref('int_affected__ticket_metric_dates') }} as affected
        )
    {%- endif %}

)

select
    metric_date,
    channel,
    group_id,
    priority,
    count(first_response_minutes) as first_response_count,
    coalesce({{ exact_minutes_sum('first_response_minutes') }}, 0) as first_response_minutes_sum,
    {{ exact_minutes_avg('first_response_minutes') }} as first_response_minutes_avg,
    median(first_response_minutes) as first_response_minutes_median,
    percentile_cont(0.9) within group (order by first_response_minutes) as first_response_minutes_p90,
    count(first_response_business_minutes) as first_response_business_count,
    coalesce({{ exact_minutes_sum('first_response_business_minutes') }}, 0) as first_response_business_minutes_sum,
    {{ exact_minutes_avg('first_response_business_minutes') }} as first_response_business_minutes_avg,
    median(first_response_business_minutes) as first_response_business_minutes_median,
    percentile_cont(0.9) within group (order by first_response_business_minutes) as first_response_business_minutes_p90,
    count(response_minutes) as response_count,
    coalesce({{ exact_minutes_sum('response_minutes') }}, 0) as response_minutes_sum,
    {{ exact_minutes_avg('response_minutes') }} as response_minutes_avg,
    median(response_minutes) as response_minutes_median,
    percentile_cont(0.9) within group (order by response_minutes) as response_minutes_p90,
    count(resolution_minutes) as resolution_count,
    coalesce({{ exact_minutes_sum('resolution_minutes') }}, 0) as resolution_minutes_sum,
    {{ exact_minutes_avg('resolution_minutes') }} as resolution_minutes_avg,
    median(resolution_minutes) as resolution_minutes_median,
    percentile_cont(0.9) within group (order by resolution_minutes) as resolution_minutes_p90,
    coalesce({{ exact_minutes_sum('resolution_minutes') }}, 0) / 60.0 as resolution_hours_sum,
    {{ exact_minutes_avg('resolution_minutes') }} / 60.0 as resolution_hours_avg,
    median(resolution_minutes) / 60.0 as resolution_hours_median,
    percentile_cont(0.9) within group (order by resolution_minutes) / 60.0 as resolution_hours_p90
from recomputed_measurements
group by all
