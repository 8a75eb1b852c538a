-- Benchmarks in the mart, thresholds in the KPI's own unit: meta.kpi.benchmark of the KPI registry
-- (models/marts/kpi/registry/_kpis__<family>.yml). Money benchmarks given in another currency
-- (cost per ticket: 20 USD) are converted to the reporting currency with the latest rate of seed
-- exchange_rates.
-- One inline table of the benchmarks' rows, not a select per KPI (DECISIONS.md "Generated SQL: a
-- branch per months model").
{%- set benchmarked = (registry_kpis() if execute else []) | selectattr('config.meta.kpi.benchmark') | list %}
with

benchmarks as (

    select
        benchmark_rows.kpi_id,
        benchmark_rows.comparison,
        benchmark_rows.benchmark_value,
        benchmark_rows.excellent_threshold,
        benchmark_rows.meets_threshold,
        benchmark_rows.meets_threshold_upper,
        benchmark_rows.benchmark_currency,
        benchmark_rows.source,
        benchmark_rows.source_note
    -- noqa: disable=LT02
    -- (SQLFluff's renderings of the loop below misplace its indentation; the compiled SQL is laid out)
    from (
        values
            {%- for kpi in benchmarked %}
            {%- set benchmark = kpi.config.meta.kpi.benchmark %}
            (
                {{ registry_text(kpi.name) }},
                {{ registry_text(benchmark.comparison) }},
                cast({{ benchmark.value }} as double),
                cast({{ benchmark.get('excellent', 'null') }} as double),
                cast({{ benchmark.meets }} as double),
                cast({{ benchmark.get('meets_upper', 'null') }} as double),
                cast({{ registry_text(benchmark.currency) if benchmark.currency else 'null' }} as string),
                {{ registry_text(benchmark.source) }},
                {{ registry_text(benchmark.note) }}
            ){{ ',' if not loop.last }}
            {%- else %}
            -- (no registry at parse or lint time: one row of typed nulls, filtered out below)
            (
                cast(null as string),
                cast(null as string),
                cast(null as double),
                cast(null as double),
                cast(null as double),
                cast(null as double),
                cast(null as string),
                cast(null as string),
                cast(null as string)
            )
            {%- endfor %}
    ) as benchmark_rows (
        kpi_id,
        comparison,
        benchmark_value,
        excellent_threshold,
        meets_threshold,
        meets_threshold_upper,
        benchmark_currency,
        source,
        source_note
    )
    {%- if not benchmarked %}
    where false
    {%- endif %}
    -- noqa: enable=LT02

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
