{#- The Spark target reads raw tables from the lake: the Parquet folders dlt's filesystem
    destination writes, one per table (`<SALESOPS_LAKE_DIR>/<dataset>/<table>/`). on-run-start
    registers each raw source as an external table over its folder; other engines hold raw tables
    themselves, so it does nothing there. -#}
{% macro register_lake_tables() %}
    {{ return(adapter.dispatch('register_lake_tables')()) }}
{% endmacro %}

{% macro default__register_lake_tables() %}
{% endmacro %}

{% macro spark__register_lake_tables() %}
    {%- if execute %}
        {%- set lake = var('lake_dir', env_var('SALESOPS_LAKE_DIR', '../data/lake')) %}
        {%- for source_node in graph.sources.values() if source_node.schema.startswith('raw_') %}
            {%- do run_query('create schema if not exists ' ~ source_node.schema) %}
            {%- do run_query(
                'create table if not exists ' ~ source_node.schema ~ '.' ~ source_node.identifier
                ~ " using parquet location '" ~ lake ~ '/' ~ source_node.schema ~ '/' ~ source_node.identifier ~ "'"
            ) %}
        {%- endfor %}
    {%- endif %}
{% endmacro %}
