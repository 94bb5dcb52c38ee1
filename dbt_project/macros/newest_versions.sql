{% macro newest_versions(relation, key, version_column) %}
    {{ return(adapter.dispatch('newest_versions')(relation, key, version_column)) }}
{% endmacro %}

{% macro default__newest_versions(relation, key, version_column) %}
{#-
    Raw tables keep every version a source sent, keyed by the record's key and its version stamp
    (SystemModstamp, hs_lastmodifieddate, updated_at). Staging reads the newest version per key,
    so a version that arrives late never replaces a newer one, whatever the order of the loads.
    Raw holds one row per key and version (dlt merges on both). `rank`, not `row_number`: should
    a loader bypassing the merge write one key and version twice, both rows stay and the staging
    model's `primary_key` test fails naming the key, instead of one copy being picked silently. The
    extra column `_version_rank` is dropped by the staging model's explicit column list.
-#}
    select *
    from (
        select
            versions.*,
            rank() over (
                partition by {{ key }}
                order by {{ version_column }} desc
            ) as _version_rank
        from {{ relation }} as versions
    ) as ranked_versions
    where _version_rank = 1
{% endmacro %}

{#- On Spark raw tables are the lake's Parquet files, which dlt's filesystem destination appends
    to (it has no merge): a version sent twice (a re-sent file, a row repeated across monthly
    files) is there twice, from one load or two. The newest load's copy of the newest version
    wins, as dlt's merge would have kept it: lake files are named after their load, whose ids
    grow with time (input_file_name() names a row's file; empty for rows that come from no file,
    such as a unit test's). -#}
{% macro spark__newest_versions(relation, key, version_column) %}
    select *
    from (
        select
            versions.*,
            row_number() over (
                partition by {{ key }}
                order by {{ version_column }} desc, versions._file_name desc
            ) as _version_rank
        from (select *, input_file_name() as _file_name from {{ relation }}) as versions
    ) as ranked_versions
    where _version_rank = 1
{% endmacro %}

{#- Every version of a raw table, once: what raw holds where dlt merges on key and version; on
    Spark (appends, see above) the newest load's copy of each version. -#}
{% macro raw_versions(relation, key, version_column) %}
    {{ return(adapter.dispatch('raw_versions')(relation, key, version_column)) }}
{% endmacro %}

{% macro default__raw_versions(relation, key, version_column) %}
    select * from {{ relation }}
{% endmacro %}

{% macro spark__raw_versions(relation, key, version_column) %}
    {{ merged_rows(relation, key ~ ', ' ~ version_column) }}
{% endmacro %}

{#- The rows of a raw table dlt merges on `key` (a primary key, no version stamp), one per key: what
    raw holds where dlt merges; on Spark (appends, see above) the newest load's copy of each. -#}
{% macro merged_rows(relation, key) %}
    {{ return(adapter.dispatch('merged_rows')(relation, key)) }}
{% endmacro %}

{% macro default__merged_rows(relation, key) %}
    select * from {{ relation }}
{% endmacro %}

{% macro spark__merged_rows(relation, key) %}
    select *
    from (
        select
            versions.*,
            row_number() over (
                partition by {{ key }}
                order by versions._file_name desc
            ) as _copy_rank
        from (select *, input_file_name() as _file_name from {{ relation }}) as versions
    ) as ranked_copies
    where _copy_rank = 1
{% endmacro %}

{#- History mode: in a select over a raw table keeping every version, the time range in which a
    version was the current one and its number, oldest first. -#}
{% macro version_range(key, version_column) -%}
    {{ version_column }} as valid_from,
    lead({{ version_column }}) over (partition by {{ key }} order by {{ version_column }}) as valid_to,
    row_number() over (partition by {{ key }} order by {{ version_column }}) as version_number
{%- endmacro %}
