{#- Tests of the incremental facts read what the build rewrote, not their whole history: a test
    whose `where` is `<day column> >= __rebuilt_since(<lookback var>)__` reads the rows from
    <lookback var> days before the last successful build's as-of date (or this build's, when
    earlier) on, which covers every day or period the build recomputed or added. Older rows are
    as that build left them, and its tests passed on them. The orchestration sets
    SALESOPS_LAST_BUILD_AS_OF only when the last successful build was of the same code, target and
    selection, and every mart is still as it left it; otherwise (a hand-run dbt, a first build,
    new code, a build after a failed one, a table rewritten by hand) and on --full-refresh such a
    test reads the whole table. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set placeholder = modules.re.search('__rebuilt_since\\((\\w+)\\)__', where or '') -%}
    {%- if placeholder -%}
        {%- set since = rebuilt_since(placeholder.group(1)) -%}
        {%- if since is none -%}
            {%- do return(relation) -%}
        {%- endif -%}
        {%- set where = where | replace(placeholder.group(0), since) -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- The first day a test of an incremental fact reads (a date literal), or none for the whole table. -#}
{% macro rebuilt_since(lookback_var) -%}
    {%- set last_build = env_var('SALESOPS_LAST_BUILD_AS_OF', '') if execute else '' -%}
    {%- if not last_build or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set day = as_of_day() -%}
    {%- set today = modules.datetime.date.fromisoformat(day) if day else modules.datetime.date.today() -%}
    {%- set first = [modules.datetime.date.fromisoformat(last_build), today] | min -%}
    {%- set since = first - modules.datetime.timedelta(days=var(lookback_var) | int) -%}
    {{ return("cast('" ~ since.isoformat() ~ "' as date)") }}
{%- endmacro %}

{#- A singular test's filter on an incremental fact (dbt applies a `where` config to generic tests
    only): `where <column> >= <rebuilt_since(lookback_var)>`, or nothing for the whole table. -#}
{% macro where_rebuilt(column, lookback_var) -%}
    {%- set since = rebuilt_since(lookback_var) -%}
    {%- if since is not none -%}
        where {{ column }} >= {{ since }}
    {%- endif -%}
{%- endmacro %}
