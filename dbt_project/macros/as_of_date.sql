{#- The day the warehouse reports "now" for: var `as_of_date` if set (reruns, tests), else today. -#}
{% macro as_of_date() -%}
    {%- if var('as_of_date', none) -%}cast('{{ var("as_of_date") }}' as date){%- else -%}current_date{%- endif -%}
{%- endmacro %}
