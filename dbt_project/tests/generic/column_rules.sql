{#-
    A model's column rules in one test, where dbt's generic tests would be one test node per
    rule. Fails with one row per broken rule (rule, column_name, failing_rows, example_value), as
    the tests it replaces:
      not_null            one row per column holding nulls (failing_rows = the null rows);
      accepted_values     one row per column or expression holding a value outside its list
                          (failing_rows = those rows, example_value = the smallest such value);
                          nulls pass, as in dbt's accepted_values;
      expression_is_true  one row per expression false for some rows (failing_rows = those rows);
                          a null result passes, as in the accepted_values [true] it replaces;
      unique              one row per duplicated value of a key (failing_rows = the rows holding
                          it, example_value = the value); nulls are not compared, as in dbt's.
    Why one node: dbt's per-node overhead (~30-50 ms) was most of a build's test time
    (DECISIONS.md "Column rules: one test per model").

    In an incremental `dbt build` of an incremental model, the rules read the rows that build
    recomputed (recomputed_rows_predicate, macros/affected_rows.sql): the row rules those rows, a
    unique rule every row holding a value one of them holds.
-#}
{% test column_rules(model, not_null=[], unique=[], accepted_values={}, expression_is_true=[]) %}

    {%- if not (not_null or unique or accepted_values or expression_is_true) -%}
        {%- do exceptions.raise_compiler_error('column_rules on ' ~ model ~ ': no rule listed') -%}
    {%- endif -%}

    {%- set recomputed = recomputed_rows_predicate(model) -%}
    {%- set row_rules = [] -%}
    {%- for column in not_null -%}
        {%- do row_rules.append({'rule': 'not_null', 'column': column, 'broken': '(' ~ column ~ ') is null'}) -%}
    {%- endfor -%}
    {%- for column, values in accepted_values.items() -%}
        {%- set literals = [] -%}
        {%- for value in values -%}
            {%- if value is string -%}
                {%- do literals.append("'" ~ dbt.escape_single_quotes(value) ~ "'") -%}
            {%- elif value is sameas true or value is sameas false -%}
                {%- do literals.append(value | string | lower) -%}
            {%- else -%}
                {%- do literals.append(value | string) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do row_rules.append({
            'rule': 'accepted_values',
            'column': column,
            'broken': '(' ~ column ~ ') not in (' ~ literals | join(', ') ~ ')',
        }) -%}
    {%- endfor -%}
    {%- for expression in expression_is_true -%}
        {%- do row_rules.append({'rule': 'expression_is_true', 'column': expression, 'broken': 'not (' ~ expression ~ ')'}) -%}
    {%- endfor -%}

    with

    checked_rows as (
        select * from {{ model }}
        where {{ recomputed or 'true' }}
    ),

    {% if row_rules %}
        row_rule_counts as (
            select
                {% for row_rule in row_rules %}
                    {% if row_rule.rule == 'accepted_values' %}
                        min(cast(({{ row_rule.column }}) as string)) filter (where {{ row_rule.broken }})
                            as example_value_{{ loop.index }},
                    {% endif %}
                    count(*) filter (where {{ row_rule.broken }}) as failing_rows_{{ loop.index }}{{ ',' if not loop.last }}
                {% endfor %}
            from checked_rows
        ),
    {% endif %}

    failures as (
        {% for rule in row_rules + unique %}
            {% if loop.index <= row_rules | length %}
                select
                    '{{ rule.rule }}' as rule,
                    '{{ dbt.escape_single_quotes(rule.column) }}' as column_name,
                    failing_rows_{{ loop.index }} as failing_rows,
                    {{ 'example_value_' ~ loop.index if rule.rule == 'accepted_values' else 'cast(null as string)' }}
                        as example_value
                from row_rule_counts
            {% else %}
                select
                    'unique' as rule,
                    '{{ dbt.escape_single_quotes(rule) }}' as column_name,
                    count(*) as failing_rows,
                    cast(({{ rule }}) as string) as example_value
                from {{ model }}
                where
                    ({{ rule }}) is not null
                    {% if recomputed %}
                        and ({{ rule }}) in (select ({{ rule }}) from checked_rows)
                    {% endif %}
                group by ({{ rule }})
                having count(*) > 1
            {% endif %}
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    )

    select * from failures
    where failing_rows > 0

{% endtest %}
