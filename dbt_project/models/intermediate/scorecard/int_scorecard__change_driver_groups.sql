-- The groups kpi_change_drivers decomposes a KPI's month-over-month change into: for every ratio
-- KPI of the registry (a derived metric without a previous-month input whose inputs all come from
-- one semantic model and time dimension), each dimension its semantic model names in
-- meta.change_drivers, each month and each value of the dimension ('unknown' for null), the KPI's
-- numerator and denominator within the group and its multiplier (100 for a percentage, else
-- meta.kpi.multiplier, 1 by default). One scan per semantic model, time dimension and dimension,
-- and one branch per scan with the KPIs it serves picked by kpi_id (not a branch per KPI: Spark
-- runs each union branch as its own job; DECISIONS.md "Generated SQL: a branch per months
-- model"). The compiled SQL spells every KPI out. The models of the semantic models that name
-- change drivers (dbt needs them at parse time):
-- depends_on: {{ ref('fct_tickets') }}
-- depends_on: {{ ref('fct_ticket_replies') }}
-- depends_on: {{ ref('fct_survey_responses') }}
-- depends_on: {{ ref('kpi_contact_centre_interval') }}
-- depends_on: {{ ref('kpi_customer_lifecycle_monthly') }}
-- depends_on: {{ ref('kpi_social_daily') }}
{%- set decompositions = [] %}
{%- set scans = {} %}
{%- for kpi in (registry_kpis() if execute else []) if kpi.type == 'derived' %}
    {%- set parts = registry_kpi_parts(kpi) %}
    {%- if not parts.previous %}
        {%- set inputs = [] %}
        {%- for name in parts.inputs %}
            {%- do inputs.append(registry_input(name)) %}
        {%- endfor %}
        {%- for dimension in registry_change_dimensions(inputs) %}
            {%- set scan_name = inputs[0].group ~ '__by_' ~ dimension.name %}
            {%- do scans.setdefault(scan_name, {
                'model': inputs[0].model, 'time_column': inputs[0].time_column, 'dimension': dimension, 'inputs': {},
            }) %}
            {%- for input in inputs %}
                {%- do scans[scan_name].inputs.update({input.metric: input}) %}
            {%- endfor %}
            {%- set entry = kpi.config.meta.kpi %}
            {%- do decompositions.append({
                'kpi': kpi.name,
                'dimension': dimension.name,
                'scan': scan_name,
                'numerator': parts.numerator,
                'denominator': parts.denominator,
                'multiplier': 100 if entry.unit == 'percent' else entry.get('multiplier', 1),
            }) %}
        {%- endfor %}
    {%- endif %}
{%- endfor %}

with
{% for name, scan in scans | dictsort %}
{{ name }} as (

    select
        {{ scan.time_column }} as month,
        coalesce(cast({{ scan.dimension.expr }} as string), 'unknown') as dimension_value,
        {%- for metric, input in scan.inputs | dictsort %}
        {{ input.aggregate }} as {{ metric }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref(scan.model) }}
    where {{ scan.time_column }} is not null
    group by all

),
{% endfor %}
-- noqa: disable=LT02
-- (SQLFluff's renderings of the loop below misplace its indentation; the compiled SQL is laid out)
groups as (
    {%- for scan_name, scan_decompositions in decompositions | groupby('scan') %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        month,
        kpis.kpi_id,
        '{{ scan_decompositions[0].dimension }}' as dimension,
        dimension_value,
        case kpis.kpi_id
            {%- for decomposition in scan_decompositions %}
            when '{{ decomposition.kpi }}' then cast({{ decomposition.multiplier }} as double)
            {%- endfor %}
        end as multiplier,
        case kpis.kpi_id
            {%- for decomposition in scan_decompositions %}
            when '{{ decomposition.kpi }}' then cast({{ decomposition.numerator }} as double)
            {%- endfor %}
        end as numerator,
        case kpis.kpi_id
            {%- for decomposition in scan_decompositions %}
            when '{{ decomposition.kpi }}' then cast({{ decomposition.denominator }} as double)
            {%- endfor %}
        end as denominator
    from {{ scan_name }}
    cross join (
        values {% for decomposition in scan_decompositions %}('{{ decomposition.kpi }}'){{ ', ' if not loop.last }}{% endfor %}
    ) as kpis (kpi_id)
    {%- else %}
        -- (no registry at parse or lint time: the same columns, no rows)
        select
            cast(null as date) as month,
            cast(null as string) as kpi_id,
            cast(null as string) as dimension,
            cast(null as string) as dimension_value,
            cast(null as double) as multiplier,
            cast(null as double) as numerator,
            cast(null as double) as denominator
        where false
    {%- endfor %}

)
-- noqa: enable=LT02

select
    month,
    kpi_id,
    dimension,
    dimension_value,
    multiplier,
    numerator,
    denominator
from groups
