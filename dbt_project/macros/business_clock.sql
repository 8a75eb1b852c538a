{#-
    F(t): business minutes from the start of the business calendar up to the UTC timestamp t,
    given `window_alias` = the row of int_business_hours__windows ASOF-joined on
    t >= window_alias.window_start. Null when t is null; 0 before the first window.
    Business minutes between a and b = F(b) - F(a).
-#}
{% macro business_clock(utc_timestamp, window_alias) -%}
    case when {{ utc_timestamp }} is not null then coalesce(
        {{ window_alias }}.cumulative_minutes_before + least(
            greatest(epoch({{ utc_timestamp }} - {{ window_alias }}.window_start) / 60.0, 0),
            {{ window_alias }}.window_minutes
        ),
        0
    ) end
{%- endmacro %}
