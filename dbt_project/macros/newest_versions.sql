{% macro newest_versions(relation, key, version_column) %}
{#-
    Raw tables keep every version a source sent, keyed by the record's key and its version stamp
    (SystemModstamp, hs_lastmodifieddate, updated_at). Staging reads the newest version per key,
    so a version that arrives late never replaces a newer one, whatever the order of the loads.
    Raw holds one row per key and version (dlt merges on both). `rank`, not `row_number`: should
    a loader bypassing the merge write one key and version twice, both rows stay and the staging
    model's `unique` test fails naming the key, instead of one copy being picked silently. The
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

{#- History mode: in a select over a raw table keeping every version, the time range in which a
    version was the current one and its number, oldest first. -#}
{% macro version_range(key, version_column) -%}
    {{ version_column }} as valid_from,
    lead({{ version_column }}) over (partition by {{ key }} order by {{ version_column }}) as valid_to,
    row_number() over (partition by {{ key }} order by {{ version_column }}) as version_number
{%- endmacro %}
