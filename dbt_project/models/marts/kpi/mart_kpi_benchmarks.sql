{{ config(alias='kpi_benchmarks') }}
-- Benchmarks (seed kpi_benchmarks) in the mart, thresholds in the KPI's own unit. Money
-- benchmarks given in another currency (cost per ticket: 20 USD) are converted to the reporting
-- currency with the latest rate of seed exchange_rates. Named mart_kpi_benchmarks in dbt because
-- the seed already owns the name kpi_benchmarks.
with

benchmarks as (

    select
        kpi_id,
        comparison,
        benchmark_value,
        excellent_threshold,
        meets_threshold,
        meets_threshold_upper,
        benchmark_currency,
        source,
        source_note
    from {{ ref('kpi_benchmarks') }}

),

exchange_rates as (

    select
        currency,
        rate_to_reporting,
        valid_from
    from {{ exchange_rates_to_reporting() }} as rates_to_reporting

),

latest_rates as (

    select
        currency,
        rate_to_reporting
    from exchange_rates
    qualify row_number() over (partition by currency order by valid_from desc) = 1

),

converted as (

    select
        benchmarks.kpi_id,
        benchmarks.comparison,
        benchmarks.benchmark_currency,
        benchmarks.benchmark_value as source_benchmark_value,
        benchmarks.source,
        benchmarks.source_note,
        case
            when benchmarks.benchmark_currency is null then 1.0
            when benchmarks.benchmark_currency = '{{ var("reporting_currency", "EUR") }}' then 1.0
            else latest_rates.rate_to_reporting
        end as conversion_rate,
        benchmarks.benchmark_value,
        benchmarks.excellent_threshold,
        benchmarks.meets_threshold,
        benchmarks.meets_threshold_upper
    from benchmarks
    left join latest_rates on benchmarks.benchmark_currency = latest_rates.currency

)

select
    kpi_id,
    comparison,
    benchmark_value * conversion_rate as benchmark_value,
    excellent_threshold * conversion_rate as excellent_threshold,
    meets_threshold * conversion_rate as meets_threshold,
    meets_threshold_upper * conversion_rate as meets_threshold_upper,
    benchmark_currency,
    source_benchmark_value,
    conversion_rate,
    source,
    source_note
from converted
