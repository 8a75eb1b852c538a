{#-
    An incremental model declares once, in its config, which of its rows a build recomputes:

        meta={'affected_by': {'model': 'int_affected__tickets', 'key': ['ticket_id']}}

    = the rows whose key is in that int_affected__ model. From that one declaration come
    - its pre-hook, delete_affected_rows(): delete those rows before the model appends them again;
    - the scope of its data tests in an incremental `dbt build` (recomputed_rows_of below, read by
      column_rules and, through get_where_subquery, by dbt's generic tests): a row-level rule
      checks only those rows, a unique rule only the values those rows hold. Every
      other row is unchanged since the build that tested it. A full refresh, and `dbt test` on its
      own, test every row.
    DECISIONS.md "Incremental builds" says why and which tests keep the whole table.
-#}

{% macro affected_rows_predicate(node) -%}
    {#- "(key, ...) in (select key, ... from <the affected model>)" for a node declaring
        meta.affected_by, none otherwise. The affected model is looked up in the graph, not
        ref()'d: a test does not depend on it (its model does, and is built after it). -#}
    {%- set affected_by = node.config.meta.get('affected_by') -%}
    {%- if not affected_by -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set affected_relation = model_relation(affected_by.model, node.name ~ ": meta.affected_by") -%}
    {%- set key = affected_by.key | join(', ') -%}
    {%- do return('(' ~ key ~ ') in (select ' ~ key ~ ' from ' ~ affected_relation ~ ')') -%}
{%- endmacro %}


{% macro delete_affected_rows() -%}
    {{ return(adapter.dispatch('delete_affected_rows', 'support_kpi')()) }}
{%- endmacro %}

{% macro default__delete_affected_rows() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ affected_rows_predicate(model) }}
    {%- endif -%}
{%- endmacro %}

{#-
    Spark's Parquet tables have no DELETE (Delta Lake and Iceberg, which have it, cannot be
    installed here). The same effect: the rows to keep into a side table, written back over the
    model's table, the side table dropped. A row whose key is null is kept, as DELETE keeps a row
    whose predicate is null. It rewrites the whole table (the model's SQL still reads only the
    affected rows): DECISIONS.md "Incremental builds on Spark".
-#}
{% macro spark__delete_affected_rows() -%}
    {%- if is_incremental() -%}
        {%- set kept = api.Relation.create(schema=this.schema, identifier=this.identifier ~ '__kept') -%}
        {%- do run_query('drop table if exists ' ~ kept) -%}
        {%- do run_query(
            'create table ' ~ kept ~ ' using parquet as select * from ' ~ this
            ~ ' where not coalesce(' ~ affected_rows_predicate(model) ~ ', false)'
        ) -%}
        {%- do run_query('insert overwrite table ' ~ this ~ ' select * from ' ~ kept) -%}
        {%- do run_query('drop table ' ~ kept) -%}
    {%- endif -%}
    select 1
{%- endmacro %}


{% macro recomputed_rows_of(node) -%}
    {#- The rows of `node` that the running incremental `dbt build` recomputed, as a predicate;
        none = all rows: a table model or a seed, a full refresh, a stand-alone `dbt test`. -#}
    {%- if not execute or flags.WHICH != 'build' or flags.FULL_REFRESH -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- if not node or node.resource_type != 'model' or node.config.materialized != 'incremental' -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- do return(affected_rows_predicate(node)) -%}
{%- endmacro %}


{% macro recomputed_rows_predicate(relation) -%}
    {#- recomputed_rows_of for the model a test reads, found by its relation (the `model` argument
        of a generic test, which shadows the test's own node). -#}
    {%- if not execute or relation.identifier is not defined -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set tested = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('schema', 'equalto', relation.schema)
        | selectattr('alias', 'equalto', relation.identifier)
        | list -%}
    {%- do return(recomputed_rows_of(tested[0]) if tested | length == 1 else none) -%}
{%- endmacro %}


{% macro tested_rows_scope(relation) -%}
    {#- The rows a dbt generic test of an incremental model needs to see in an incremental
        `dbt build`, as a predicate on the tested relation; none = all rows. A relationships test
        keeps the whole table (a parent row can disappear under a child row that was not
        recomputed) unless the parent is recomputed by the same affected set on the same key.
        column_rules scopes each of its rules itself (tests/generic/column_rules.sql). -#}
    {%- if not execute or model.resource_type != 'test' or not model.test_metadata -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set recomputed = recomputed_rows_of(graph.nodes.get(model.attached_node)) -%}
    {%- if not recomputed -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set test_name = model.test_metadata.name -%}
    {%- if test_name in ['not_null', 'accepted_values'] -%}
        {#- a verdict on each row alone: the recomputed rows are the only ones that changed -#}
        {%- do return(recomputed) -%}
    {%- elif test_name == 'unique' -%}
        {#- every row sharing a value with a recomputed row: a duplicate involving one is found -#}
        {%- set column = model.test_metadata.kwargs.column_name -%}
        {%- do return(
            '(' ~ column ~ ') in (select ' ~ column ~ ' from ' ~ relation ~ ' where ' ~ recomputed ~ ')'
        ) -%}
    {%- elif test_name == 'relationships' and recomputed_with_parent(model) -%}
        {#- a parent row changes or disappears only when its key is recomputed, and then so are
            the child rows holding that key: the other child rows kept the parent they had -#}
        {%- do return(recomputed) -%}
    {%- endif -%}
    {%- do return(none) -%}
{%- endmacro %}


{% macro recomputed_with_parent(test) -%}
    {#- True when a relationships test's child and parent models are both incremental and
        recomputed by the same affected set, keyed on the column and field the test relates
        (stg_helpdesk__ticket_events.ticket_id -> stg_helpdesk__tickets.ticket_id). -#}
    {%- set kwargs = test.test_metadata.kwargs -%}
    {%- set child = graph.nodes.get(test.attached_node) -%}
    {%- set parents = test.depends_on.nodes | reject('equalto', test.attached_node) | list -%}
    {%- if parents | length != 1 or parents[0] not in graph.nodes -%}
        {%- do return(false) -%}
    {%- endif -%}
    {%- set parent = graph.nodes[parents[0]] -%}
    {%- set child_by = child.config.meta.get('affected_by') -%}
    {%- set parent_by = parent.config.meta.get('affected_by') -%}
    {%- do return(
        parent.config.materialized == 'incremental'
        and child_by and parent_by
        and child_by.model == parent_by.model
        and child_by.key | list == [kwargs.column_name]
        and parent_by.key | list == [kwargs.field]
    ) -%}
{%- endmacro %}


{% macro get_where_subquery(relation) -%}
    {#- dbt's own (the test's `where` config), and the incremental scope of tested_rows_scope. -#}
    {%- set predicates = [config.get('where'), tested_rows_scope(relation)] | reject('none') | reject('equalto', '') | list -%}
    {%- if predicates -%}
        {%- do return('(select * from ' ~ relation ~ ' where (' ~ predicates | join(') and (') ~ ')) dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}


{% macro previous_build_of(model_name) -%}
    {#- The relation of model `model_name` as earlier builds left it, none when it does not exist
        (yet). Not ref()'d, so it adds no edge to the DAG: only a model that `model_name` is built
        after (one of its ancestors) may read it, and then it reads the rows before this build
        replaces any, as an incremental model reads {{ this }}. -#}
    {%- if not execute -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set relation = model_relation(model_name, 'previous_build_of') -%}
    {%- do return(adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    )) -%}
{%- endmacro %}


{% macro model_relation(model_name, named_by) -%}
    {#- The relation dbt builds model `model_name` into, found in the graph, not ref()'d: it adds
        no edge to the DAG. A compile error naming `named_by` (who asked) when no model has that
        name. The one lookup behind affected_rows_predicate and previous_build_of. -#}
    {%- set nodes = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('name', 'equalto', model_name)
        | list -%}
    {%- if nodes | length != 1 -%}
        {%- do exceptions.raise_compiler_error(named_by ~ ": no model named '" ~ model_name ~ "'") -%}
    {%- endif -%}
    {%- do return(api.Relation.create(
        database=nodes[0].database, schema=nodes[0].schema, identifier=nodes[0].alias
    )) -%}
{%- endmacro %}
