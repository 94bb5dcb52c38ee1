{#- The day the warehouse reports "now" for: var `as_of_date` (unit tests, a hand-run dbt), else
    SALESOPS_AS_OF_DATE (the orchestration sets it for each build to the run's reporting day),
    else today. The variable is read only when executing: read while parsing, dbt would track it
    and parse the whole project again whenever the day moves. -#}
{% macro as_of_date() -%}
    {%- set day = as_of_day() -%}
    {%- if day -%}cast('{{ day }}' as date){%- else -%}current_date{%- endif -%}
{%- endmacro %}

{#- The same day as text (YYYY-MM-DD), empty for today. -#}
{% macro as_of_day() -%}
    {{ return(var('as_of_date', none) or (env_var('SALESOPS_AS_OF_DATE', '') if execute else '')) }}
{%- endmacro %}
