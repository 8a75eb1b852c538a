{#-
    The model's not-null rules in one test: one row per listed column that holds nulls, with how
    many. Equivalent to a `not_null` test on each column, but one scan and one dbt node per model
    instead of one per column (issue 14: per-node overhead was most of a small build's test time).
-#}
{% test not_null_columns(model, column_names) %}

    with null_counts as (
        select
            {% for column_name in column_names %}
                count(*) filter (where {{ column_name }} is null) as null_rows_{{ loop.index }}{{ ',' if not loop.last }}
            {% endfor %}
        from {{ model }}
    )

    {% for column_name in column_names %}
        select
            '{{ column_name }}' as column_name,
            null_rows_{{ loop.index }} as null_rows
        from null_counts
        where null_rows_{{ loop.index }} > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

{% endtest %}
