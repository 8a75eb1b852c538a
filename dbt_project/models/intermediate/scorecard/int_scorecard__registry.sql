-- Scorecard rows of every KPI declared in the registry (models/marts/kpi/registry/_kpis__*.yml,
-- macros/kpi_registry.sql): for each KPI and each month of its semantic model's scorecard_months,
-- a count's numerator and value are its measure; any other KPI's numerator and denominator are
-- the expressions of meta.kpi over its input metrics and its value the metric's own expr (what
-- MetricFlow evaluates); each input metric is its measure's aggregate over the month of the
-- measure's agg_time_dimension, 0 in a month without rows, as a double: the sums stay exact
-- (integers, decimals) up to here, and the KPI expressions then compute in doubles on both engines
-- (Spark's decimal division keeps 6 decimals: IQS differed from DuckDB's by 5e-9 at scale 1).
-- The compiled SQL (target/compiled) shows every KPI spelled out.
-- The models the registry's semantic models read (dbt needs them at parse time):
-- depends_on: {{ ref('fct_tickets') }}
-- depends_on: {{ ref('fct_ticket_replies') }}
-- depends_on: {{ ref('kpi_contact_centre_interval') }}
-- depends_on: {{ ref('kpi_agent_occupancy_daily') }}
-- depends_on: {{ ref('fct_survey_responses') }}
-- depends_on: {{ ref('fct_quality_reviews') }}
-- depends_on: {{ ref('kpi_self_service_monthly') }}
-- depends_on: {{ ref('kpi_social_daily') }}
-- depends_on: {{ ref('kpi_helpdesk_monthly') }}
-- depends_on: {{ ref('kpi_costs_monthly') }}
-- depends_on: {{ ref('kpi_contacts_monthly') }}
-- depends_on: {{ ref('kpi_repeat_contacts_monthly') }}
-- depends_on: {{ ref('kpi_customer_lifecycle_monthly') }}
-- depends_on: {{ ref('kpi_customer_lifetime_value_monthly') }}
-- depends_on: {{ ref('kpi_customer_interactions_monthly') }}
-- depends_on: {{ ref('fct_discounts') }}
-- depends_on: {{ ref('int_kpi__helpdesk_months') }}
-- depends_on: {{ ref('int_telephony__months') }}
-- depends_on: {{ ref('int_survey__months') }}
-- depends_on: {{ ref('int_web__months') }}
-- depends_on: {{ ref('int_contacts__months') }}
-- depends_on: {{ ref('int_customers__months') }}
{%- set kpis = registry_kpis() if execute else [] %}
{%- set parts = {} %}
{%- set inputs = {} %}
{%- set placed = [] %}
{%- set previous_aliases = {} %}
{%- for kpi in kpis %}
    {%- do parts.update({kpi.name: registry_kpi_parts(kpi)}) %}
    {%- set kpi_months = [] %}
    {%- for name in parts[kpi.name].inputs %}
        {%- do inputs.update({name: registry_input(name)}) %}
        {%- do kpi_months.append(inputs[name].months_model) %}
    {%- endfor %}
    {%- set months_model = (kpi_months | unique | list)[0] %}
    {%- if kpi_months | unique | list | length != 1 %}
        {{- exceptions.raise_compiler_error('KPI registry: the inputs of ' ~ kpi.name ~ ' have different scorecard_months: ' ~ kpi_months | unique | list) }}
    {%- endif %}
    {#- A months model's previous month is joined once for all its KPIs: an alias names one metric. #}
    {%- for input in parts[kpi.name].previous %}
        {%- set named = previous_aliases.get(months_model ~ '.' ~ input.alias, input) %}
        {%- if named.name != input.name %}
            {{- exceptions.raise_compiler_error(
                'KPI registry: ' ~ kpi.name ~ ' names its previous-month ' ~ input.name ~ ' ' ~ input.alias
                ~ ', the alias of ' ~ named.name ~ ' in another KPI of ' ~ months_model
            ) }}
        {%- endif %}
        {%- do previous_aliases.update({months_model ~ '.' ~ input.alias: input}) %}
    {%- endfor %}
    {%- do placed.append({
        'kpi': kpi,
        'months_model': months_model,
        'with_previous': parts[kpi.name].previous | length > 0,
        'previous': parts[kpi.name].previous,
    }) %}
{%- endfor %}
{%- set groups = inputs.values() | groupby('group') %}
{%- set months_models = inputs.values() | map(attribute='months_model') | unique | sort | list %}
{#- One branch of kpi_rows per months model (and per months model again for the KPIs with a
    previous-month input): its KPIs' ids crossed with the months' inputs, each KPI's parts picked by
    kpi_id. Not a branch per KPI: Spark inlines a CTE into every branch that reads it and runs each
    branch as its own job (DECISIONS.md "Generated SQL: a branch per months model"). #}
{%- set branches = [] %}
{%- for months_model, model_kpis in placed | groupby('months_model') %}
    {%- for with_previous, branch in model_kpis | groupby('with_previous') %}
        {%- do branches.append((
            months_model,
            branch | map(attribute='previous') | sum(start=[]) | unique(attribute='alias') | list,
            branch | map(attribute='kpi') | list,
        )) %}
    {%- endfor %}
{%- endfor %}

with
{% for group, members in groups %}
{{ group }} as (

    select
        {{ members[0].time_column }} as month,
        {%- for input in members | sort(attribute='metric') %}
        {{ input.aggregate }} as {{ input.metric }}{{ ',' if not loop.last }}
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
        cast(coalesce({{ input.group }}.{{ input.metric }}, 0) as double) as {{ input.metric }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref(months_model) }} as months
    {%- for group in measured | map(attribute='group') | unique | sort %}
    left join {{ group }} on months.month = {{ group }}.month
    {%- endfor %}

),
{% endfor %}
kpi_rows as (
    {%- for months_model, previous, branch_kpis in branches %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        month,
        kpis.kpi_id,
        case kpis.kpi_id
            {%- for kpi in branch_kpis %}
            when '{{ kpi.name }}' then cast({{ parts[kpi.name].numerator }} as double)
            {%- endfor %}
        end as numerator,
        case kpis.kpi_id
            {%- for kpi in branch_kpis %}
            when '{{ kpi.name }}' then cast({{ parts[kpi.name].denominator or 'null' }} as double)
            {%- endfor %}
        end as denominator,
        case kpis.kpi_id
            {%- for kpi in branch_kpis %}
            when '{{ kpi.name }}' then cast({{ parts[kpi.name].value }} as double)
            {%- endfor %}
        end as value
    {%- if previous %}
    from (
        select
            current_month.*,
            {%- for input in previous %}
            previous_month.{{ input.name }} as {{ input.alias }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ months_model }}__inputs as current_month
        inner join {{ months_model }}__inputs as previous_month
            on previous_month.month = cast(current_month.month - interval 1 month as date)
    ) as inputs
    {%- else %}
    from {{ months_model }}__inputs as inputs
    {%- endif %}
    cross join (
        values {% for kpi in branch_kpis %}('{{ kpi.name }}'){{ ', ' if not loop.last }}{% endfor %}
    ) as kpis (kpi_id)
    {%- else %}
        -- (no registry at parse or lint time: the same columns, no rows)
        select
            cast(null as date) as month,
            cast(null as string) as kpi_id,
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
