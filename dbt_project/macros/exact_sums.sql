{#-
  Exact additive parts (issue 12, "Two builds of the same files"). A sum of doubles depends on
  the order DuckDB's parallel scan delivers the rows, so two builds of the same files could
  differ in the last bits. These macros sum integers (milliseconds) or decimals (money), which
  is exact in any order, and turn the exact total into a double only at the end.
  A duration in minutes or seconds that reaches a sum is rounded to the whole millisecond
  first (every source stamps whole seconds; a sub-millisecond part would be rounded, the same
  way in every run). A double that is itself an exact sum from these macros converts back to
  the same integer of milliseconds (round(x * 60000) is exact far beyond 2^40 ms), so a
  month-level sum of daily sums stays exact.
-#}

{% macro _exact_filter(filter) -%}
    {%- if filter %} filter (where {{ filter }}){% endif -%}
{%- endmacro %}

{% macro minutes_to_ms(minutes) -%}
    cast(round(({{ minutes }}) * 60000) as bigint)
{%- endmacro %}

{% macro exact_minutes_sum(minutes, filter=none) -%}
    (cast(sum({{ minutes_to_ms(minutes) }}){{ _exact_filter(filter) }} as double) / 60000)
{%- endmacro %}

{% macro exact_minutes_avg(minutes, filter=none) -%}
    (
        cast(sum({{ minutes_to_ms(minutes) }}){{ _exact_filter(filter) }} as double)
        / 60000
        / nullif(count({{ minutes }}){{ _exact_filter(filter) }}, 0)
    )
{%- endmacro %}

{% macro exact_seconds_sum(seconds, filter=none) -%}
    (cast(sum(cast(round(({{ seconds }}) * 1000) as bigint)){{ _exact_filter(filter) }} as double) / 1000)
{%- endmacro %}

{% macro exact_decimal_sum(value, filter=none) -%}
    sum(cast({{ value }} as decimal(38, 9))){{ _exact_filter(filter) }}
{%- endmacro %}

{% macro exact_money_sum(amount, filter=none) -%}
    {{ exact_decimal_sum(amount, filter) }}
{%- endmacro %}
