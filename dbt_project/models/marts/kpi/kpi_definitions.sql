-- The KPI catalogue published in the mart: one row per KPI of the registry
-- (models/marts/kpi/registry/_kpis__<family>.yml), from its declaration: label = English name,
-- description = definition, meta.kpi = family (the file), unit, direction, names in the
-- languages of the source guides, the guides. Nothing else lists KPIs.
-- One inline table of the KPIs' rows, not a select per KPI (DECISIONS.md "Generated SQL: a branch
-- per months model").
{%- set kpis = registry_kpis() if execute else [] %}
with

registry as (

    select
        registry_rows.kpi_id,
        registry_rows.family,
        registry_rows.unit,
        registry_rows.definition_en,
        registry_rows.name_en,
        registry_rows.name_sv,
        registry_rows.name_fi,
        registry_rows.name_da,
        registry_rows.name_ru,
        registry_rows.source_guide,
        registry_rows.higher_is_better
    -- noqa: disable=LT02
    -- (SQLFluff's renderings of the loop below misplace its indentation; the compiled SQL is laid out)
    from (
        values
            {%- for kpi in kpis %}
            {%- set entry = kpi.config.meta.kpi %}
            (
                {{ registry_text(kpi.name) }},
                {{ registry_text(entry.family) }},
                {{ registry_text(entry.unit) }},
                {{ registry_text(kpi.description | trim) }},
                {{ registry_text(kpi.label) }},
                {{ registry_text(entry.names.sv) }},
                {{ registry_text(entry.names.fi) }},
                {{ registry_text(entry.names.da) }},
                {{ registry_text(entry.names.ru) }},
                {{ registry_text(entry.source_guides | join(';')) }},
                cast({{ 'null' if entry.higher_is_better is none else entry.higher_is_better | lower }} as boolean)
            ){{ ',' if not loop.last }}
            {%- else %}
            -- (no registry at parse or lint time: one row of typed nulls, filtered out below)
            (
                cast(null as string),
                cast(null as string),
                cast(null as string),
                cast(null as string),
                cast(null as string),
                cast(null as string),
                cast(null as string),
                cast(null as string),
                cast(null as string),
                cast(null as string),
                cast(null as boolean)
            )
            {%- endfor %}
    ) as registry_rows (
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
    )
    {%- if not kpis %}
    where false
    {%- endif %}
    -- noqa: enable=LT02

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
