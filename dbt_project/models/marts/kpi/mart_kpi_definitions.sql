{{ config(alias='kpi_definitions') }}
-- The KPI catalogue (seed kpi_definitions) published in the mart: one row per kpi_id of
-- kpis.md, with names in English and the languages of the source guides. Named
-- mart_kpi_definitions in dbt because the seed already owns the name kpi_definitions.
with

definitions as (

    select
        kpi_id,
        family,
        unit,
        definition_en,
        name_en,
        name_sv,
        name_fi,
        name_da,
        name_ru,
        source_guide,
        higher_is_better
    from {{ ref('kpi_definitions') }}

)

select
    kpi_id,
    family,
    unit,
    definition_en,
    name_en,
    name_sv,
    name_fi,
    name_da,
    name_ru,
    source_guide,
    higher_is_better
from definitions
