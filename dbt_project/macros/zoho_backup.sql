{#- Zoho's data backup as a source (ingestion/zoho/backup.py): a backup is complete, so a record whose
    newest version is missing from its module's newest backup was deleted in Zoho. Rows a backup
    brought carry `_backup_seen_at` (the run that read them); API-loaded tables have no such column,
    and this renders nothing for them. -#}
{% macro missing_from_newest_backup(module, relation) -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list
        if execute else [] -%}
    {%- if '_backup_seen_at' in columns %}
    union all
    select
        '{{ module }}' as module_name,
        newest.id as record_id,
        'missing from backup' as deletion_type,
        cast(newest_backup.seen_at as {{ dbt.type_timestamp() }}) as deleted_at
    from ({{ newest_versions(relation, 'id', 'modified_time') }}) as newest
    cross join (select max(_backup_seen_at) as seen_at from {{ relation }}) as newest_backup
    where newest._backup_seen_at < newest_backup.seen_at
    {%- endif %}
{%- endmacro %}
