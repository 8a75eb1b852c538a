{#-
    F(t): business MICROSECONDS (an exact bigint) from the start of the business calendar up to
    the UTC timestamp t, given `window_alias` = the row of int_business_hours__windows in force at t
    (macro asof_join on window_start). Null when t is null; 0 before the first window.
    Business minutes between a and b = (F(b) - F(a)) / 60e6: exact integers, so the result does not
    depend on where the calendar starts (floating-point minutes did, in the last digits, and an
    incremental build kept values computed on an earlier calendar).
-#}
{% macro business_clock(utc_timestamp, window_alias) -%}
    case when {{ utc_timestamp }} is not null then coalesce(
        {{ window_alias }}.cumulative_microseconds_before + least(
            greatest({{ to_epoch_microseconds(utc_timestamp) }} - {{ to_epoch_microseconds(window_alias ~ '.window_start') }}, 0),
            {{ window_alias }}.window_microseconds
        ),
        0
    ) end
{%- endmacro %}
