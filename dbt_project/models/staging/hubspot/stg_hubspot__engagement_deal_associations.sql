-- The deals each engagement (call, e-mail, meeting, task) is logged on, one row per pair.
with

{%- set kinds = ['call', 'email', 'meeting', 'task'] %}
{% for kind in kinds %}
{{ kind }}_deals as (
    select
        '{{ kind }}' as engagement_type,
        {{ kind }}_id as engagement_id,
        deal_id
    from {{ source('hubspot', kind ~ '_deal_associations') }}
),
{% endfor %}

associations as (
    {%- for kind in kinds %}
    select * from {{ kind }}_deals
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from associations
