{#- Every match of a regular expression replaced. Patterns are written in the syntax the three
    engines share (POSIX classes in brackets, no lookaround); a replacement names its groups
    \1..\9, which Spark (Java's syntax) spells $1..$9. DuckDB and PostgreSQL replace only the
    first match without 'g'; Spark always replaces every match. -#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ modules.re.sub("\\\\([1-9])", "$\\1", replacement) }}')
{%- endmacro %}
