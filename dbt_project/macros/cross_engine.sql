{#-
    The SQL that DuckDB and Spark (4.x) spell differently, each behind one macro named for what it
    means, with an implementation per engine chosen by adapter.dispatch (as dbt's own cross-database
    macros, e.g. dbt.datediff, which the models use too). A model calls these and reads the same on
    both engines. What both engines accept as written is used as written (`percentile_cont(p)
    within group (order by x)`, `min_by`, `* except (...)`, `string`, `qualify`, `filter (where)`,
    `::` casts to types both know) and needs no macro. DECISIONS.md "Two engines" lists the
    semantic differences these macros take care of.
-#}


{#- Seconds from naive timestamp `start` to `end`, with the fraction (double); null if either is. -#}
{% macro seconds_between(start, end) -%}
    {{ return(adapter.dispatch('seconds_between', 'support_kpi')(start, end)) }}
{%- endmacro %}

{% macro duckdb__seconds_between(start, end) -%}
    epoch({{ end }} - {{ start }})
{%- endmacro %}

{% macro spark__seconds_between(start, end) -%}
    ((unix_micros(cast({{ end }} as timestamp)) - unix_micros(cast({{ start }} as timestamp))) / 1e6)
{%- endmacro %}


{#- Whole microseconds since 1970-01-01 00:00 of a naive UTC timestamp (bigint: exact sums). -#}
{% macro to_epoch_microseconds(timestamp) -%}
    {{ return(adapter.dispatch('to_epoch_microseconds', 'support_kpi')(timestamp)) }}
{%- endmacro %}

{% macro duckdb__to_epoch_microseconds(timestamp) -%}
    epoch_us({{ timestamp }})
{%- endmacro %}

{% macro spark__to_epoch_microseconds(timestamp) -%}
    unix_micros(cast({{ timestamp }} as timestamp))
{%- endmacro %}


{#- The wall-clock time in IANA zone `time_zone` (a SQL expression) of a naive UTC timestamp. -#}
{% macro utc_to_local(timestamp, time_zone) -%}
    {{ return(adapter.dispatch('utc_to_local', 'support_kpi')(timestamp, time_zone)) }}
{%- endmacro %}

{% macro duckdb__utc_to_local(timestamp, time_zone) -%}
    timezone({{ time_zone }}, timezone('UTC', {{ timestamp }}))
{%- endmacro %}

{% macro spark__utc_to_local(timestamp, time_zone) -%}
    from_utc_timestamp({{ timestamp }}, {{ time_zone }})
{%- endmacro %}


{#- The naive UTC timestamp of a wall-clock time in IANA zone `time_zone` (a SQL expression). -#}
{% macro local_to_utc(timestamp, time_zone) -%}
    {{ return(adapter.dispatch('local_to_utc', 'support_kpi')(timestamp, time_zone)) }}
{%- endmacro %}

{% macro duckdb__local_to_utc(timestamp, time_zone) -%}
    timezone('UTC', timezone({{ time_zone }}, {{ timestamp }}))
{%- endmacro %}

{% macro spark__local_to_utc(timestamp, time_zone) -%}
    to_utc_timestamp({{ timestamp }}, {{ time_zone }})
{%- endmacro %}


{#- A naive timestamp floored to a multiple of `minutes` (a divisor of 60) past the hour. -#}
{% macro floor_to_minutes(timestamp, minutes) -%}
    {{ return(adapter.dispatch('floor_to_minutes', 'support_kpi')(timestamp, minutes)) }}
{%- endmacro %}

{% macro duckdb__floor_to_minutes(timestamp, minutes) -%}
    time_bucket(interval {{ minutes }} minute, {{ timestamp }})
{%- endmacro %}

{% macro spark__floor_to_minutes(timestamp, minutes) -%}
    timestamp_seconds(floor(unix_timestamp({{ timestamp }}) / {{ minutes * 60 }}) * {{ minutes * 60 }})
{%- endmacro %}


{#-
    A time of day (no date). DuckDB has the type TIME; Spark has none, so there it is the text
    'HH:MM:SS', which compares and sorts the same way.
-#}
{% macro time_of_day(timestamp) -%}
    {{ return(adapter.dispatch('time_of_day', 'support_kpi')(timestamp)) }}
{%- endmacro %}

{% macro duckdb__time_of_day(timestamp) -%}
    cast({{ timestamp }} as time)
{%- endmacro %}

{% macro spark__time_of_day(timestamp) -%}
    date_format({{ timestamp }}, 'HH:mm:ss')
{%- endmacro %}

{#- The time of day `hour`:`minute`:00 (integer expressions), as time_of_day() gives it. -#}
{% macro time_of_day_at(hour, minute) -%}
    {{ return(adapter.dispatch('time_of_day_at', 'support_kpi')(hour, minute)) }}
{%- endmacro %}

{% macro duckdb__time_of_day_at(hour, minute) -%}
    make_time({{ hour }}, {{ minute }}, 0)
{%- endmacro %}

{% macro spark__time_of_day_at(hour, minute) -%}
    format_string('%02d:%02d:00', {{ hour }}, {{ minute }})
{%- endmacro %}


{#- ISO weekday of a date: 1 = Monday ... 7 = Sunday. -#}
{% macro iso_weekday(date) -%}
    {{ return(adapter.dispatch('iso_weekday', 'support_kpi')(date)) }}
{%- endmacro %}

{% macro duckdb__iso_weekday(date) -%}
    isodow({{ date }})
{%- endmacro %}

{% macro spark__iso_weekday(date) -%}
    extract(dow_iso from {{ date }})
{%- endmacro %}


{#- English weekday name of a date ('Monday' ... 'Sunday'). -#}
{% macro weekday_name(date) -%}
    {{ return(adapter.dispatch('weekday_name', 'support_kpi')(date)) }}
{%- endmacro %}

{% macro duckdb__weekday_name(date) -%}
    dayname({{ date }})
{%- endmacro %}

{% macro spark__weekday_name(date) -%}
    date_format({{ date }}, 'EEEE')
{%- endmacro %}


{#-
    One row per value from `start` to `stop` inclusive in steps of `step` (an interval for dates
    and timestamps, none for integers), of type `data_type`, as the set-returning expression of a
    select list (Spark allows no expression around it):
        select {{ series('bounds.first_day', 'bounds.last_day', 'interval 1 day', 'date') }} as day
        from bounds
    No row when start > stop (Spark's sequence() would count down; DuckDB gives none).
-#}
{% macro series(start, stop, step=none, data_type=none) -%}
    {{ return(adapter.dispatch('series', 'support_kpi')(start, stop, step, data_type)) }}
{%- endmacro %}

{% macro duckdb__series(start, stop, step, data_type) -%}
    {%- set generated = 'unnest(generate_series(' ~ start ~ ', ' ~ stop ~ (', ' ~ step if step else '') ~ '))' -%}
    {{ 'cast(' ~ generated ~ ' as ' ~ data_type ~ ')' if data_type else generated }}
{%- endmacro %}

{% macro spark__series(start, stop, step, data_type) -%}
    {%- set start_value = 'cast(' ~ start ~ ' as ' ~ data_type ~ ')' if data_type else start -%}
    {%- set stop_value = 'cast(' ~ stop ~ ' as ' ~ data_type ~ ')' if data_type else stop -%}
    explode(case when {{ start_value }} <= {{ stop_value }} then sequence({{ start_value }}, {{ stop_value }}{% if step %}, {{ step }}{% endif %}) end)
{%- endmacro %}


{#- One row per element of a list (array) column, as a set-returning expression of a select list. -#}
{% macro unnest_list(list) -%}
    {{ return(adapter.dispatch('unnest_list', 'support_kpi')(list)) }}
{%- endmacro %}

{% macro duckdb__unnest_list(list) -%}
    unnest({{ list }})
{%- endmacro %}

{% macro spark__unnest_list(list) -%}
    explode({{ list }})
{%- endmacro %}


{#- Every match of a regular expression replaced (DuckDB replaces the first one without 'g'). -#}
{% macro regexp_replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'support_kpi')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}


{#- The text of top-level key `key` (a name) of a JSON object held as JSON / text; null if absent. -#}
{% macro json_text(json, key) -%}
    {{ return(adapter.dispatch('json_text', 'support_kpi')(json, key)) }}
{%- endmacro %}

{% macro duckdb__json_text(json, key) -%}
    ({{ json }} ->> '{{ key }}')
{%- endmacro %}

{% macro spark__json_text(json, key) -%}
    get_json_object({{ json }}, '$.{{ key }}')
{%- endmacro %}


{#-
    Aggregate: the value of `value` on the row that comes first by `order_by` (a list of columns,
    compared in turn; they must make the order total).
-#}
{% macro value_at_first(value, order_by) -%}
    {{ return(adapter.dispatch('value_at_first', 'support_kpi')(value, order_by)) }}
{%- endmacro %}

{% macro duckdb__value_at_first(value, order_by) -%}
    arg_min({{ value }}, ({{ order_by | join(', ') }}))
{%- endmacro %}

{% macro spark__value_at_first(value, order_by) -%}
    min_by({{ value }}, struct({{ order_by | join(', ') }}))
{%- endmacro %}


{#-
    The keyed pseudonym of a personal value: lower-case hex HMAC-SHA-256 of its UTF-8 text under
    the pseudonym key (dagster_project/pseudonym.py), null for null. The key never appears in SQL:
    on DuckDB the function pseudonym_hmac is registered by the dbt plugin
    dagster_project.dbt_plugins.pseudonym; on Spark the session holds it in the configuration
    `spark.support_kpi.pseudonym_key` (set from the environment when the session starts) and the
    query names it as a variable that Spark substitutes when it parses the statement.
-#}
{% macro pseudonymize(text) -%}
    {{ return(adapter.dispatch('pseudonymize', 'support_kpi')(text)) }}
{%- endmacro %}

{% macro duckdb__pseudonymize(text) -%}
    pseudonym_hmac({{ text }})
{%- endmacro %}

{% macro spark__pseudonymize(text) -%}
    java_method(
        'org.apache.commons.codec.digest.HmacUtils', 'hmacSha256Hex',
        '${spark.support_kpi.pseudonym_key}', {{ text }}
    )
{%- endmacro %}


{#- A naive timestamp plus a whole number of microseconds (bigint). -#}
{% macro add_microseconds(timestamp, microseconds) -%}
    {{ return(adapter.dispatch('add_microseconds', 'support_kpi')(timestamp, microseconds)) }}
{%- endmacro %}

{% macro duckdb__add_microseconds(timestamp, microseconds) -%}
    ({{ timestamp }} + to_microseconds({{ microseconds }}))
{%- endmacro %}

{% macro spark__add_microseconds(timestamp, microseconds) -%}
    timestamp_micros(unix_micros(cast({{ timestamp }} as timestamp)) + {{ microseconds }})
{%- endmacro %}


{#-
    A join to the row of `relation` in force at `at`: the last row whose `valid_from` is at or
    before it (strictly before with inclusive=false), among the rows matching `on` (equality
    conditions; '' for none). `relation` must carry `valid_until` = the next valid_from of the same
    keys (null for the last), as the lead() of valid_from; valid_from is unique per key.
    DuckDB: an ASOF join (a merge, fast). Spark has none: a range join on [valid_from, valid_until)
    ((valid_from, valid_until] when not inclusive), which picks the same row.
    join_type: 'left' (a row without one keeps nulls) or 'inner'.
-#}
{% macro asof_join(join_type, relation, alias, on, at, valid_from='valid_from', valid_until='valid_until', inclusive=true) -%}
    {{ return(adapter.dispatch('asof_join', 'support_kpi')(join_type, relation, alias, on, at, valid_from, valid_until, inclusive)) }}
{%- endmacro %}

{% macro duckdb__asof_join(join_type, relation, alias, on, at, valid_from, valid_until, inclusive) -%}
    asof {{ join_type }} join {{ relation }} as {{ alias }}
        on {% if on %}{{ on }} and {% endif %}{{ at }} {{ '>=' if inclusive else '>' }} {{ alias }}.{{ valid_from }}
{%- endmacro %}

{% macro spark__asof_join(join_type, relation, alias, on, at, valid_from, valid_until, inclusive) -%}
    {{ join_type }} join {{ relation }} as {{ alias }}
        on {% if on %}{{ on }} and {% endif %}{{ at }} {{ '>=' if inclusive else '>' }} {{ alias }}.{{ valid_from }}
        and ({{ alias }}.{{ valid_until }} is null or {{ at }} {{ '<' if inclusive else '<=' }} {{ alias }}.{{ valid_until }})
{%- endmacro %}


{#-
    on-run-start: make the raw tables readable as the sources name them. DuckDB: they are in the
    warehouse already (nothing to do). Spark with var spark_raw_path (the pipeline sets it,
    dagster_project/spark_engine/build.py): each source table becomes an external Parquet table over
    the file exported there (<schema>/<table>.parquet). Without it (a cluster whose metastore holds
    the raw_* tables already) nothing is registered.
-#}
{% macro register_raw_tables() -%}
    {{ return(adapter.dispatch('register_raw_tables', 'support_kpi')()) }}
{%- endmacro %}

{% macro default__register_raw_tables() -%}
    select 1
{%- endmacro %}

{% macro spark__register_raw_tables() -%}
    {%- if execute and var('spark_raw_path', none) -%}
        {%- set raw_path = var('spark_raw_path') -%}
        {%- set sources = graph.sources.values() | sort(attribute='unique_id') -%}
        {%- for schema in sources | map(attribute='schema') | unique | sort -%}
            {%- do run_query('create database if not exists ' ~ schema) -%}
        {%- endfor -%}
        {%- for source in sources -%}
            {%- do run_query('drop table if exists ' ~ source.schema ~ '.' ~ source.identifier) -%}
            {%- do run_query(
                'create table ' ~ source.schema ~ '.' ~ source.identifier ~ ' using parquet location '
                ~ "'" ~ raw_path ~ '/' ~ source.schema ~ '/' ~ source.identifier ~ ".parquet'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
