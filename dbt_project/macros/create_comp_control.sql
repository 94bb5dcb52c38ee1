{#- The compensation period log (comp_control.period_log) is the only state of closing: a month
    is closed when its latest action is 'close'. `salesops close-month` / `reopen-month` and the
    closed_months asset write it (orchestration/comp_periods.py, with query parameters); dbt only
    creates it and reads it as a source. The ledger routes any change to a closed month into the
    first open month as an adjustment. -#}

{#- on-run-start: the log exists before any model reads it. -#}
{% macro create_comp_control() %}
    {{ return(adapter.dispatch('create_comp_control')()) }}
{% endmacro %}

{% macro default__create_comp_control() %}
    {% do comp_control_log(api.Relation.create(database=target.database, schema='comp_control'), '') %}
{% endmacro %}

{#- Spark has no database level, and a table without `using` would be a Hive table. -#}
{% macro spark__create_comp_control() %}
    {% do comp_control_log(api.Relation.create(schema='comp_control'), 'using parquet') %}
{% endmacro %}

{% macro comp_control_log(schema_relation, table_options) %}
    {% do adapter.create_schema(schema_relation) %}
    {% set ddl %}
        create table if not exists comp_control.period_log (
            period_month date not null,
            action {{ dbt.type_string() }} not null,
            actor {{ dbt.type_string() }} not null,
            reason {{ dbt.type_string() }},
            acted_at {{ dbt.type_timestamp() }} not null
        ) {{ table_options }}
    {% endset %}
    {% do run_query(ddl) %}
{% endmacro %}
