{#- Each user's manager over time from a staging model of user versions (user_id, manager_id,
    valid_from, valid_to, version_number): the first version counts from the beginning, since a
    user's manager before the CRM sent a version is the first one known. -#}
{% macro manager_history_from_versions(user_versions) -%}
    select
        user_id,
        manager_id,
        case when version_number = 1 then cast('1900-01-01' as timestamp) else valid_from end as valid_from,
        valid_to
    from {{ user_versions }}
{%- endmacro %}
