-- Scorecard rows of every KPI declared in the registry (models/marts/kpi/registry/_kpis__*.yml,
-- macros/kpi_registry.sql): for each KPI and each month of its semantic model's scorecard_months,
-- numerator and denominator are the expressions of meta.kpi over the KPI's input metrics and
-- value is the metric's own expr (what MetricFlow evaluates); each input metric is its measure's
-- aggregate over the month of the measure's agg_time_dimension, 0 in a month without rows. The
-- compiled SQL (target/compiled) shows every KPI spelled out.
-- The models the registry's semantic models read (dbt needs them at parse time):
-- depends_on: {{ ref('fct_tickets') }}
-- depends_on: {{ ref('fct_ticket_replies') }}
-- depends_on: {{ ref('int_kpi__helpdesk_months') }}
{%- set kpis = registry_kpis() if execute else [] %}
{%- set inputs = {} %}
{%- for kpi in kpis %}
    {%- for input in kpi.type_params.metrics %}
        {%- do inputs.update({input.name: registry_input(input.name)}) %}
    {%- endfor %}
{%- endfor %}
{%- set groups = inputs.values() | groupby('group') %}
{%- set months_models = inputs.values() | map(attribute='months_model') | unique | sort | list %}

with
{% for group, members in groups %}
{{ group }} as (

    select
        {{ members[0].time_column }} as month,
        {%- for input in members | sort(attribute='metric') %}
        {{ input.aggregate }} as {{ input.metric }},
        {%- endfor %}
    from {{ ref(members[0].model) }}
    group by all

),
{% endfor %}
{%- for months_model in months_models %}
{%- set measured = inputs.values() | selectattr('months_model', 'equalto', months_model) | list %}
{{ months_model }}__inputs as (

    select
        months.month,
        {%- for input in measured | sort(attribute='metric') %}
        coalesce({{ input.group }}.{{ input.metric }}, 0) as {{ input.metric }},
        {%- endfor %}
    from {{ ref(months_model) }} as months
    {%- for group in measured | map(attribute='group') | unique | sort %}
    left join {{ group }} on months.month = {{ group }}.month
    {%- endfor %}

),
{% endfor %}
kpi_rows as (
    {%- for kpi in kpis %}
    {%- set first_input = inputs[kpi.type_params.metrics[0].name] %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        month,
        '{{ kpi.name }}' as kpi_id,
        cast({{ kpi.config.meta.kpi.numerator }} as double) as numerator,
        cast({{ kpi.config.meta.kpi.denominator or 'null' }} as double) as denominator,
        cast({{ kpi.type_params.expr }} as double) as value
    from {{ first_input.months_model }}__inputs
    {%- else %}
        -- (no registry at parse or lint time: the same columns, no rows)
        select
            cast(null as date) as month,
            cast(null as varchar) as kpi_id,
            cast(null as double) as numerator,
            cast(null as double) as denominator,
            cast(null as double) as value
        where false
    {%- endfor %}

)

select
    month,
    kpi_id,
    numerator,
    denominator,
    value
from kpi_rows
