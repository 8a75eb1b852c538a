-- The KPI catalogue published in the mart: one row per KPI of the registry
-- (models/marts/kpi/registry/_kpis__<family>.yml), from its declaration: label = English name,
-- description = definition, meta.kpi = family (the file), unit, direction, names in the
-- languages of the source guides, the guides. Nothing else lists KPIs.
with

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
        select
            cast(null as string) as kpi_id,
            cast(null as string) as family,
            cast(null as string) as unit,
            cast(null as string) as definition_en,
            cast(null as string) as name_en,
            cast(null as string) as name_sv,
            cast(null as string) as name_fi,
            cast(null as string) as name_da,
            cast(null as string) as name_ru,
            cast(null as string) as source_guide,
            cast(null as boolean) as higher_is_better
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
from registry
