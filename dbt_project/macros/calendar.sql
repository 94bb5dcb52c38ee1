{#- Calendar settings (vars): company_timezone, week_start_day (ISO: 1 = Monday),
    fiscal_year_start_month (1 = January). Every period column goes through these macros. -#}

{#- The calendar day of a timestamp (timestamptz) in the company's timezone. -#}
{% macro local_date(column) -%}
    {{ return(adapter.dispatch('local_date')(column)) }}
{%- endmacro %}

{% macro default__local_date(column) -%}
    cast({{ column }} at time zone '{{ var("company_timezone") }}' as date)
{%- endmacro %}

{#- Spark's timestamps are instants shown in the session's zone (UTC in the profile). -#}
{% macro spark__local_date(column) -%}
    cast(from_utc_timestamp({{ column }}, '{{ var("company_timezone") }}') as date)
{%- endmacro %}

{#- The ISO day of the week of a date: 1 = Monday ... 7 = Sunday. -#}
{% macro iso_day_of_week(day) -%}
    {{ return(adapter.dispatch('iso_day_of_week')(day)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(day) -%}
    cast(extract(isodow from {{ day }}) as integer)
{%- endmacro %}

{% macro spark__iso_day_of_week(day) -%}
    cast(extract(dayofweek_iso from {{ day }}) as integer)
{%- endmacro %}

{#- The first day of the period of `grain` (week, month, quarter, year; quarters and years are
    fiscal) that holds `day`. -#}
{% macro period_start(grain, day) -%}
    {%- if grain == 'week' -%}
        cast({{ dbt.dateadd('day', '-1 * ((' ~ iso_day_of_week(day) ~ ' - ' ~ var('week_start_day') ~ ' + 7) % 7)', day) }} as date)
    {%- elif grain == 'month' -%}
        cast({{ dbt.date_trunc('month', day) }} as date)
    {%- elif grain in ('quarter', 'year') -%}
        {%- set months = 3 if grain == 'quarter' else 12 -%}
        cast({{ dbt.dateadd('month', '-1 * ((cast(extract(month from ' ~ day ~ ') as integer) - ' ~ var('fiscal_year_start_month') ~ ' + 12) % ' ~ months ~ ')', dbt.date_trunc('month', day)) }} as date)
    {%- else -%}
        {{ exceptions.raise_compiler_error("period_start: unknown grain " ~ grain) }}
    {%- endif -%}
{%- endmacro %}

{#- The last day of the period of `grain` that starts on `start`. -#}
{% macro period_end(grain, start) -%}
    {%- if grain == 'week' -%}
        cast({{ dbt.dateadd('day', 6, start) }} as date)
    {%- else -%}
        {%- set months = {'month': 1, 'quarter': 3, 'year': 12}[grain] -%}
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', months, start)) }} as date)
    {%- endif -%}
{%- endmacro %}
