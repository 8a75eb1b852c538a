-- Benchmarks in the mart, thresholds in the KPI's own unit: meta.kpi.benchmark of the KPI registry
-- (models/marts/kpi/registry/_kpis__<family>.yml). Money benchmarks given in another currency
-- (cost per ticket: 20 USD) are converted to the reporting currency with the latest rate of seed
-- exchange_rates.
with

benchmarks as (

    {%- for kpi in (registry_kpis() if execute else []) | selectattr('config.meta.kpi.benchmark') %}
    {%- set benchmark = kpi.config.meta.kpi.benchmark %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        {{ registry_text(kpi.name) }} as kpi_id,
        {{ registry_text(benchmark.comparison) }} as comparison,
        cast({{ benchmark.value }} as double) as benchmark_value,
        cast({{ benchmark.get('excellent', 'null') }} as double) as excellent_threshold,
        cast({{ benchmark.meets }} as double) as meets_threshold,
        cast({{ benchmark.get('meets_upper', 'null') }} as double) as meets_threshold_upper,
        cast({{ registry_text(benchmark.currency) if benchmark.currency else 'null' }} as string)
            as benchmark_currency,
        {{ registry_text(benchmark.source) }} as source,
        {{ registry_text(benchmark.note) }} as source_note
    {%- else %}
        -- (no registry at parse or lint time: the same columns, no rows)
        select
            cast(null as string) as kpi_id,
            cast(null as string) as comparison,
            cast(null as double) as benchmark_value,
            cast(null as double) as excellent_threshold,
            cast(null as double) as meets_threshold,
            cast(null as double) as meets_threshold_upper,
            cast(null as string) as benchmark_currency,
            cast(null as string) as source,
            cast(null as string) as source_note
        where false
    {%- endfor %}

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
