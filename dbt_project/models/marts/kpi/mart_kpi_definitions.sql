{{ config(alias='kpi_definitions') }}
-- The KPI catalogue published in the mart: one row per kpi_id, with names in English and the
-- languages of the source guides. The KPIs of the registry (models/marts/kpi/registry/) come from
-- their declaration (label = English name, description = definition, meta.kpi = the rest); the
-- families not yet moved there from the seed kpi_definitions. Named mart_kpi_definitions in dbt
-- because the seed already owns the name kpi_definitions.
with

seeded as (

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

),

registry as (

    {%- for kpi in (registry_kpis() if execute else []) %}
    {%- set entry = kpi.config.meta.kpi %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        {{ registry_text(kpi.name) }} as kpi_id,
        {{ registry_text(entry.family) }} as family,
        {{ registry_text(entry.unit) }} as unit,
        {{ registry_text(kpi.description | trim) }} as definition_en,
        {{ registry_text(kpi.label) }} as name_en,
        {{ registry_text(entry.names.sv) }} as name_sv,
        {{ registry_text(entry.names.fi) }} as name_fi,
        {{ registry_text(entry.names.da) }} as name_da,
        {{ registry_text(entry.names.ru) }} as name_ru,
        {{ registry_text(entry.source_guides | join(';')) }} as source_guide,
        cast({{ 'null' if entry.higher_is_better is none else entry.higher_is_better | lower }} as boolean)
            as higher_is_better
    {%- else %}
        -- (no registry at parse or lint time: the same columns, no rows)
        select *
        from seeded
        where false
    {%- endfor %}

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
from seeded
union all
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
from registry
