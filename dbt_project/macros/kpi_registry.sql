{#-
  The KPI registry (DECISIONS.md "KPI registry"): every KPI is a MetricFlow metric in
  models/marts/kpi/registry/_kpis__<family>.yml whose config.meta.kpi holds its catalogue entry.
  These macros read that one declaration from dbt's graph at run time; the scorecard model
  int_scorecard__registry turns it into rows, kpi_definitions and kpi_benchmarks into the catalogue.
-#}

{#- Every KPI of the registry, sorted by kpi_id: the metrics whose config.meta has a kpi entry. -#}
{% macro registry_kpis() -%}
    {%- set kpis = [] -%}
    {%- for metric in graph.metrics.values() | sort(attribute='name') -%}
        {%- if metric.config.meta.get('kpi') -%}
            {%- do kpis.append(metric) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(kpis) -}}
{%- endmacro %}

{#-
  Where an input metric of a KPI comes from: its measure, the semantic model holding it (model
  name, time column), the months its KPIs have rows for (the measure's config.meta.scorecard_months,
  else its semantic model's) and the aggregate that computes it. Only simple metrics
  (create_metric: true on the measure) without a filter: a measure carries its filter in its
  expr, so a reader finds all of it in one place.
-#}
{% macro registry_input(metric_name) -%}
    {%- set metric = graph.metrics.get('metric.' ~ project_name ~ '.' ~ metric_name) -%}
    {%- if metric is none or metric.type != 'simple' or metric.filter or metric.type_params.measure.filter -%}
        {{- exceptions.raise_compiler_error(
            'KPI registry: input metric ' ~ metric_name ~ ' must be a simple metric without a filter '
            ~ '(declare the measure with create_metric: true and put the filter in its expr)'
        ) -}}
    {%- endif -%}
    {%- set measure_name = metric.type_params.measure.name -%}
    {%- for semantic_model in graph.semantic_models.values() -%}
        {%- for measure in semantic_model.measures if measure.name == measure_name -%}
            {%- set time_dimension = measure.agg_time_dimension or semantic_model.defaults.agg_time_dimension -%}
            {%- set dimension = semantic_model.dimensions | selectattr('name', 'equalto', time_dimension) | first -%}
            {%- set expr = measure.expr or measure.name -%}
            {%- set aggregates = {
                'sum': 'sum(' ~ expr ~ ')',
                'count': 'count(' ~ expr ~ ')',
                'count_distinct': 'count(distinct ' ~ expr ~ ')',
                'sum_boolean': 'sum(cast(' ~ expr ~ ' as integer))',
                'min': 'min(' ~ expr ~ ')',
                'max': 'max(' ~ expr ~ ')',
            } -%}
            {%- if measure.agg not in aggregates -%}
                {{- exceptions.raise_compiler_error(
                    'KPI registry: measure ' ~ measure.name ~ ' uses agg ' ~ measure.agg
                    ~ '; a scorecard input must be additive or min/max (an average is a sum over a count)'
                ) -}}
            {%- endif -%}
            {{- return({
                'metric': metric_name,
                'aggregate': aggregates[measure.agg],
                'model': semantic_model.depends_on.nodes[0].split('.')[-1],
                'semantic_model': semantic_model.name,
                'months_model': (measure.config or {}).get('meta', {}).get('scorecard_months')
                    or semantic_model.config.meta.scorecard_months,
                'time_column': dimension.expr or dimension.name,
                'group': semantic_model.name ~ '__' ~ time_dimension,
            }) -}}
        {%- endfor -%}
    {%- endfor -%}
    {{- exceptions.raise_compiler_error('KPI registry: no semantic model has the measure ' ~ measure_name) -}}
{%- endmacro %}

{#- A text of the registry as a SQL string literal (quotes doubled). -#}
{% macro registry_text(value) -%}
    '{{ value | replace("'", "''") }}'
{%- endmacro %}

{#-
  What the scorecard computes for one KPI, from its declaration: a count is a simple metric (its
  own measure is the numerator and the value, no denominator); any other KPI is a derived metric
  whose expr is the value and whose meta.kpi names numerator and denominator over its input
  metrics; an input with offset_window 1 month (and an alias) is the previous month's value, and
  such a KPI has a row only when the previous month has one too. All inputs of a KPI must have
  rows for the same months (one scorecard_months).
-#}
{% macro registry_kpi_parts(kpi) -%}
    {%- if kpi.type == 'simple' -%}
        {%- set parts = {
            'inputs': [kpi.name], 'previous': [], 'numerator': kpi.name, 'denominator': none, 'value': kpi.name,
        } -%}
    {%- elif kpi.type == 'derived' -%}
        {%- set previous = [] -%}
        {%- for input in kpi.type_params.metrics if input.offset_window -%}
            {%- if input.offset_window.count != 1 or input.offset_window.granularity != 'month' or not input.alias -%}
                {{- exceptions.raise_compiler_error(
                    'KPI registry: ' ~ kpi.name ~ ': an offset input must be the previous month (offset_window: 1 month) with an alias'
                ) -}}
            {%- endif -%}
            {%- do previous.append({'name': input.name, 'alias': input.alias}) -%}
        {%- endfor -%}
        {%- set parts = {
            'inputs': kpi.type_params.metrics | map(attribute='name') | unique | list,
            'previous': previous,
            'numerator': kpi.config.meta.kpi.numerator,
            'denominator': kpi.config.meta.kpi.denominator,
            'value': kpi.type_params.expr,
        } -%}
    {%- else -%}
        {{- exceptions.raise_compiler_error('KPI registry: ' ~ kpi.name ~ ' is a ' ~ kpi.type ~ ' metric; a KPI is simple or derived') -}}
    {%- endif -%}
    {{- return(parts) -}}
{%- endmacro %}

{#-
  The dimensions a KPI's month-over-month change is decomposed by (kpi_change_drivers): those its
  semantic model lists in config.meta.change_drivers, as [{name, expr}]. Only a ratio KPI (a
  derived metric without a previous-month input) whose inputs all come from one semantic model
  and one time dimension has any; inputs (registry_input results) from several give none.
-#}
{% macro registry_change_dimensions(inputs) -%}
    {%- if inputs | map(attribute='group') | unique | list | length != 1 -%}
        {{- return([]) -}}
    {%- endif -%}
    {%- set semantic_model = graph.semantic_models.get('semantic_model.' ~ project_name ~ '.' ~ inputs[0].semantic_model) -%}
    {%- set dimensions = [] -%}
    {%- for name in semantic_model.config.meta.get('change_drivers', []) -%}
        {%- set dimension = semantic_model.dimensions | selectattr('name', 'equalto', name) | first -%}
        {%- do dimensions.append({'name': name, 'expr': dimension.expr or dimension.name}) -%}
    {%- endfor -%}
    {{- return(dimensions) -}}
{%- endmacro %}
