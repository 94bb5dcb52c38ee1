{#- Overrides of dbt's own cross-database macros where Spark needs them. -#}

{#- Contracts name column types the way DuckDB and PostgreSQL do. Spark has no `varchar` without a
    length (its text type is `string`), so dbt's contract check, which casts null to each declared
    type, reads `varchar` as `string` on Spark. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ 'string' if type | trim | lower == 'varchar' else type }})
{%- endmacro %}

{#- dbt-spark's datediff for weeks, months and quarters is two terms (`case … end + case … end`)
    without parentheses, so `datediff(…) / 12.0` divided only the second: a three-year deal read
    as three contract years started a month after it closed. Parenthesised here. -#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    ({{ dbt.spark__datediff(first_date, second_date, datepart) }})
{%- endmacro %}
