{#- A double-precision float on every engine. dbt's type_float() is `float`: double precision on
    PostgreSQL, but single precision (4 bytes) on DuckDB and Spark, where attribution weights and
    forecast variances then moved amounts by cents (0.4 is 0.4000000060 in single precision: a
    cent on 40 % of a deal of about a million). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
