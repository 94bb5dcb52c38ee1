{#- Money and ratios never go through floats: DuckDB divides decimals to a double and PostgreSQL
    truncates integer division, so every division and rounding goes through these. -#}

{% macro divide(numerator, denominator, scale=6) -%}
    {{ return(adapter.dispatch('divide')(numerator, denominator, scale)) }}
{%- endmacro %}

{% macro default__divide(numerator, denominator, scale) -%}
    round(cast({{ numerator }} as numeric(38, 12)) / nullif(cast({{ denominator }} as numeric(38, 12)), 0), {{ scale }})
{%- endmacro %}

{% macro duckdb__divide(numerator, denominator, scale) -%}
    {#- DuckDB divides decimals in double precision: above about 8,000, half of the quotients that
        end on a half cent rounded down (16,471.53 / 2 gave 8,235.76). So the quotient is worked
        out exactly, from integers: both sides in units of 10^-12 as HUGEINT, then
        round-half-away-from-zero(n * 10^scale / d) in units of 10^-scale. -#}
    {%- set n = duckdb__units_of_1e12(numerator) -%}
    {%- set d = 'nullif(' ~ duckdb__units_of_1e12(denominator) ~ ', 0)' -%}
    {%- set unit = '1' if scale == 0 else '0.' ~ '0' * (scale - 1) ~ '1' -%}
    (cast(sign({{ n }}) * sign({{ d }}) * ((abs({{ n }}) * {{ 2 * 10 ** scale }} // abs({{ d }}) + 1) // 2) as decimal(38, 0)) * {{ unit }})
{%- endmacro %}

{% macro duckdb__units_of_1e12(expression) -%}
    {#- A number as an exact HUGEINT count of 10^-12 (integer and fraction apart: no overflow). -#}
    {%- set value = 'cast(' ~ expression ~ ' as decimal(38, 12))' -%}
    (cast(trunc({{ value }}) as hugeint) * 1000000000000 + cast(({{ value }} - trunc({{ value }})) * 1000000000000 as hugeint))
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

{#- A factor of an exact product of decimals, e.g. amount x rate x weight. DuckDB sizes a product
    by its widest factor (decimal(18, 2) x decimal(18, 6) x decimal(9, 4) is a decimal(18, 12),
    which failed at run time on a measure of a million): there each factor is 38 digits wide.
    Spark adds the factors' precisions and, past 38, keeps only 6 decimals of the product: there
    each factor has the precision its values need (`precision`). -#}
{% macro product_factor(expression, precision, scale) -%}
    {{ return(adapter.dispatch('product_factor')(expression, precision, scale)) }}
{%- endmacro %}

{% macro default__product_factor(expression, precision, scale) -%}
    cast({{ expression }} as decimal(38, {{ scale }}))
{%- endmacro %}

{% macro spark__product_factor(expression, precision, scale) -%}
    cast({{ expression }} as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}
