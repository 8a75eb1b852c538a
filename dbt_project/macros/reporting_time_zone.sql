{#-
    Calendar conversion for reporting: a UTC timestamp (naive, as everywhere in the warehouse)
    to the date / first-of-month in var('reporting_time_zone'). For UTC the cast is direct.
-#}
{% macro to_reporting_date(utc_timestamp) -%}
    {%- set tz = var('reporting_time_zone', 'UTC') -%}
    {%- if tz | upper == 'UTC' -%}
        cast({{ utc_timestamp }} as date)
    {%- else -%}
        cast({{ utc_to_local(utc_timestamp, "'" ~ tz ~ "'") }} as date)
    {%- endif -%}
{%- endmacro %}

{% macro to_reporting_month(utc_timestamp) -%}
    cast(date_trunc('month', {{ to_reporting_date(utc_timestamp) }}) as date)
{%- endmacro %}
