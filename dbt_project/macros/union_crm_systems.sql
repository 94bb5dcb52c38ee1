{#- One canonical CRM entity from every enabled system: the rows of each
    `<entity>__<system>` model, in the columns the entity's yml lists (the canonical shape),
    with the system they came from in `source_system`. Ids stay the CRM's own: plan and finance
    files name reps, accounts and deals by them; a test on each entity fails when two systems
    share one. -#}
{% macro union_crm_systems(entity) -%}
    {%- set columns = model.columns.keys() | reject('equalto', 'source_system') | list -%}
    {#- and the extra fields configured for this entity (int_crm_opportunities -> opportunities) -#}
    {%- set columns = columns + pass_through_fields(entity | replace('int_crm_', '')) | map(attribute='alias') | list -%}
    {%- if execute and not columns -%}
        {{ exceptions.raise_compiler_error(entity ~ ": list the canonical columns in its yml") }}
    {%- endif -%}
    {%- for system in crm_systems() %}
select
    '{{ system }}' as source_system,
    {{ columns | join(',\n    ') }}
from {{ ref(entity ~ '__' ~ system) }}
{%- if not loop.last %}

union all
{% endif -%}
    {%- endfor %}
{%- endmacro %}
