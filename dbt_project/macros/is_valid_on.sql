{#- True when `day` falls in the half-open range [from_column, to_column) of `alias`;
    an empty to_column means still valid. Used for FX rates, team memberships and plan
    assignments alike. -#}
{% macro is_valid_on(day, alias, from_column='valid_from', to_column='valid_to') -%}
    {{ day }} >= {{ alias }}.{{ from_column }}
    and ({{ alias }}.{{ to_column }} is null or {{ day }} < {{ alias }}.{{ to_column }})
{%- endmacro %}
