{#- Money and ratios never go through floats: DuckDB divides to a double and PostgreSQL
    truncates integer division, so every division and rounding goes through these. -#}

{% macro divide(numerator, denominator, scale=6) -%}
    {{ return(adapter.dispatch('divide')(numerator, denominator, scale)) }}
{%- endmacro %}

{% macro default__divide(numerator, denominator, scale) -%}
    round(cast({{ numerator }} as numeric(38, 12)) / nullif(cast({{ denominator }} as numeric(38, 12)), 0), {{ scale }})
{%- endmacro %}

{% macro duckdb__divide(numerator, denominator, scale) -%}
    {#- DuckDB's decimal division returns a double; cast back with enough digits, then round. -#}
    round(cast(cast({{ numerator }} as decimal(38, 12)) / nullif(cast({{ denominator }} as decimal(38, 12)), 0) as decimal(38, 12)), {{ scale }})
{%- endmacro %}

{% macro spark__divide(numerator, denominator, scale) -%}
    {#- Spark keeps a quotient's scale only while its integer digits fit in 38: the integer digits of
        the numerator plus the denominator's scale (16 + 10 here) leave it 12 decimals. With
        (38, 12) on both sides it would cut them to 6, and a prorated quota missed by cents. -#}
    round(cast({{ numerator }} as decimal(28, 12)) / nullif(cast({{ denominator }} as decimal(26, 10)), 0), {{ scale }})
{%- endmacro %}

{% macro round_money(expression) -%}
    {#- Half away from zero to cents on both engines (numeric round). -#}
    cast(round(cast({{ expression }} as decimal(38, 8)), 2) as decimal(18, 2))
{%- endmacro %}
