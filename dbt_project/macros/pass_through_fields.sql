{#- Extra CRM fields carried through to the marts (var `crm_pass_through_fields`: per entity, a mart
    column `alias` and, per CRM system, the field's API name). Three steps, one macro each:

    staging: `pass_through_columns(entity, system, relation)` reads each field from the raw table
    as text, named `crm_field__<alias>`. dlt names the raw column after the API name (LeadSource ->
    lead_source), so the column is found by its name without case and underscores; a field this
    system does not map, or that never loaded, is null.
    canonical entity: `pass_through_aliases(entity, prefix)` renames them to their alias.
    mart: `pass_through_aliases(entity, prefix, staged=false)` carries the aliases on.
    Their call sites carry `-- noqa: LT02`: without extra fields they render an empty line. -#}
{% macro pass_through_fields(entity) -%}
    {{ return(var('crm_pass_through_fields', {}).get(entity) or []) }}
{%- endmacro %}

{% macro pass_through_columns(entity, system, relation, prefix='') -%}
    {%- set fields = pass_through_fields(entity) -%}
    {%- if fields and execute -%}
        {%- set raw_columns = {} -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do raw_columns.update({column.name.lower().replace('_', ''): column.name}) -%}
        {%- endfor -%}
        {%- for field in fields -%}
            {%- set raw = raw_columns.get((field.get(system) or '').lower().replace('_', '')) %},
        cast({{ prefix ~ adapter.quote(raw) if raw else 'null' }} as {{ dbt.type_string() }}) as crm_field__{{ field['alias'] }}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{% macro pass_through_aliases(entity, prefix='', staged=true) -%}
    {%- for field in pass_through_fields(entity) -%}
        {%- if not staged and field['alias'] in model.columns.keys() -%}
            {{ exceptions.raise_compiler_error(
                "crm_pass_through_fields: alias '" ~ field['alias'] ~ "' is already a column of "
                ~ model.name ~ "; give the field another alias in dbt_project.yml") }}
        {%- endif %},
        {{ prefix }}{{ 'crm_field__' if staged else '' }}{{ field['alias'] }}{{ ' as ' ~ field['alias'] if staged else '' }}
    {%- endfor -%}
{%- endmacro %}
