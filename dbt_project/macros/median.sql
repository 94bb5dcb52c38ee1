{#- The median of `column` (a continuous median, as a decimal). -#}
{% macro median(column) -%}
    cast(percentile_cont(0.5) within group (order by {{ column }}) as decimal(18, 2))
{%- endmacro %}
