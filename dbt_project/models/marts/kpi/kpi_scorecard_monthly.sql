-- The company-wide monthly scorecard: one row per (month, kpi_id), the stable interface for
-- dashboards. Every row comes from int_scorecard__registry, generated from the KPI registry
-- (models/marts/kpi/registry/), with the KPI's unit and name from kpi_definitions.
-- benchmark_status compares value with the thresholds of kpi_benchmarks (see its comparison
-- column); null without value or benchmark.
with

scorecard_rows as (

    select
        month,
        kpi_id,
        numerator,
        denominator,
        value
    from {{ ref('int_scorecard__registry') }}

),

definitions as (

    select
        kpi_id,
        unit,
        name_en
    from {{ ref('kpi_definitions') }}

),

benchmarks as (

    select
        kpi_id,
        comparison,
        benchmark_value,
        excellent_threshold,
        meets_threshold,
        meets_threshold_upper
    from {{ ref('kpi_benchmarks') }}

),

with_benchmarks as (

    select
        scorecard_rows.month,
        scorecard_rows.kpi_id,
        scorecard_rows.value,
        scorecard_rows.numerator,
        scorecard_rows.denominator,
        definitions.unit,
        definitions.name_en as kpi_name,
        benchmarks.benchmark_value,
        case
            when scorecard_rows.value is null or benchmarks.comparison is null then null
            when benchmarks.comparison = 'lte'
                then
                    case
                        when scorecard_rows.value <= benchmarks.excellent_threshold then 'excellent'
                        when scorecard_rows.value <= benchmarks.meets_threshold then 'meets'
                        else 'below'
                    end
            when benchmarks.comparison = 'lt'
                then
                    case
                        when scorecard_rows.value < benchmarks.excellent_threshold then 'excellent'
                        when scorecard_rows.value < benchmarks.meets_threshold then 'meets'
                        else 'below'
                    end
            when benchmarks.comparison = 'gte'
                then
                    case
                        when scorecard_rows.value >= benchmarks.excellent_threshold then 'excellent'
                        when scorecard_rows.value >= benchmarks.meets_threshold then 'meets'
                        else 'below'
                    end
            when benchmarks.comparison = 'gt'
                then
                    case
                        when scorecard_rows.value > benchmarks.excellent_threshold then 'excellent'
                        when scorecard_rows.value > benchmarks.meets_threshold then 'meets'
                        else 'below'
                    end
            when benchmarks.comparison = 'between' then case
                when
                    scorecard_rows.value
                    between benchmarks.meets_threshold and benchmarks.meets_threshold_upper
                    then 'meets'
                else 'below'
            end
        end as benchmark_status
    from scorecard_rows
    left join definitions on scorecard_rows.kpi_id = definitions.kpi_id
    left join benchmarks on scorecard_rows.kpi_id = benchmarks.kpi_id

)

select
    month,
    kpi_id,
    value,
    numerator,
    denominator,
    unit,
    benchmark_value,
    benchmark_status,
    kpi_name
from with_benchmarks
