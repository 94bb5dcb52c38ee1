{#- The day the warehouse reports "now" for: var `as_of_date`, else SALESOPS_AS_OF_DATE (the
    demo run sets it to the demo's as-of date), else today. -#}
{% macro as_of_date() -%}
    {%- set day = var('as_of_date', none) or env_var('SALESOPS_AS_OF_DATE', '') -%}
    {%- if day -%}cast('{{ day }}' as date){%- else -%}current_date{%- endif -%}
{%- endmacro %}
