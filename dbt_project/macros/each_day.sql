{#- In a select list: one row per day from `start_day` to `end_day` inclusive (none when the end
    comes first), so each row of a day range becomes its days without a range join. -#}
{% macro each_day(start_day, end_day) -%}
    {{ return(adapter.dispatch('each_day')(start_day, end_day)) }}
{%- endmacro %}

{% macro default__each_day(start_day, end_day) -%}
    cast(generate_series(cast({{ start_day }} as timestamp), cast({{ end_day }} as timestamp), interval '1 day') as date)
{%- endmacro %}

{% macro duckdb__each_day(start_day, end_day) -%}
    cast(unnest(generate_series(cast({{ start_day }} as timestamp), cast({{ end_day }} as timestamp), interval 1 day)) as date)
{%- endmacro %}

{#- Spark's sequence counts down when the end comes first: no days then, as elsewhere. -#}
{% macro spark__each_day(start_day, end_day) -%}
    explode(
        case
            when cast({{ start_day }} as date) <= cast({{ end_day }} as date)
                then sequence(cast({{ start_day }} as date), cast({{ end_day }} as date), interval 1 day)
            else cast(array() as array<date>)
        end
    )
{%- endmacro %}

{#- In a select list: each day a row of `alias` holds ([valid_from, valid_to), an empty valid_to
    meaning still), within first_day..last_day. -#}
{% macro each_valid_day(alias, first_day, last_day) -%}
    {{ each_day(
        'greatest(' ~ alias ~ '.valid_from, ' ~ first_day ~ ')',
        'least(coalesce(' ~ dbt.dateadd('day', -1, alias ~ '.valid_to') ~ ', ' ~ last_day ~ '), ' ~ last_day ~ ')'
    ) }}
{%- endmacro %}
