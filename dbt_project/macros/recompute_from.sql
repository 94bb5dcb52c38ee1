{#- The first day an incremental run of a period fact recomputes: `lookback_days` before the
    as-of date (late changes), or the start of the last week the table already holds, whichever
    is earlier (so runs days or weeks apart still complete every period the last one measured
    part of). Periods ending on or after it are recomputed; older ones are kept. -#}
{% macro recompute_periods_from(relation, lookback_days) -%}
    least(
        cast({{ dbt.dateadd('day', 1 - lookback_days, as_of_date()) }} as date),
        coalesce(
            (select max(period_start) from {{ relation }} where period_grain = 'week'),
            {{ as_of_date() }}
        )
    )
{%- endmacro %}

{#- How the period facts replace what an incremental run recomputes. DuckDB and PostgreSQL delete
    it first (a pre-hook) and then append or delete+insert; Spark's Parquet tables cannot delete
    rows, so there the facts are partitioned by day (partition_by: replaced_partitions) and a run
    overwrites the partitions it writes. A run writes each of its partitions whole: every grain of
    a period end, every open deal of a day. -#}
{% macro partition_replacement_strategy(strategy) %}
    {{ return(adapter.dispatch('partition_replacement_strategy')(strategy)) }}
{% endmacro %}

{% macro default__partition_replacement_strategy(strategy) %}
    {{ return(strategy) }}
{% endmacro %}

{% macro spark__partition_replacement_strategy(strategy) %}
    {{ return('insert_overwrite') }}
{% endmacro %}

{#- The partition columns on Spark; none elsewhere (dbt-duckdb partitions only DuckLake tables). -#}
{% macro replaced_partitions(columns) %}
    {{ return(adapter.dispatch('replaced_partitions')(columns)) }}
{% endmacro %}

{% macro default__replaced_partitions(columns) %}
    {{ return(none) }}
{% endmacro %}

{% macro spark__replaced_partitions(columns) %}
    {{ return(columns) }}
{% endmacro %}

{#- Pre-hook: the periods a run recomputes, deleted before it appends them. -#}
{% macro delete_periods_to_rebuild(relation, lookback_days) %}
    {{ return(adapter.dispatch('delete_periods_to_rebuild')(relation, lookback_days)) }}
{% endmacro %}

{% macro default__delete_periods_to_rebuild(relation, lookback_days) -%}
    {% if is_incremental() -%}
        delete from {{ relation }} where period_end >= {{ recompute_periods_from(relation, lookback_days) }}
    {%- endif %}
{%- endmacro %}

{% macro spark__delete_periods_to_rebuild(relation, lookback_days) %}
{% endmacro %}

{#- Where clause on the calendar's periods (`periods_alias`) of an incremental run: those to build.
    Where the pre-hook deleted, every period the table no longer holds from the first day to
    recompute (the first day moves back once the deletion is done); on Spark, which deletes
    nothing, every period from that day. -#}
{% macro periods_to_rebuild(periods_alias, relation, lookback_days) %}
    {{ return(adapter.dispatch('periods_to_rebuild')(periods_alias, relation, lookback_days)) }}
{% endmacro %}

{% macro default__periods_to_rebuild(periods_alias, relation, lookback_days) -%}
    {{ periods_alias }}.period_end >= {{ recompute_periods_from(relation, lookback_days) }}
    and not exists (
        select 1
        from {{ relation }} as kept
        where kept.period_grain = {{ periods_alias }}.period_grain
            and kept.period_start = {{ periods_alias }}.period_start
    )
{%- endmacro %}

{% macro spark__periods_to_rebuild(periods_alias, relation, lookback_days) -%}
    {{ periods_alias }}.period_end >= {{ recompute_periods_from(relation, lookback_days) }}
{%- endmacro %}

{#- The config of the period facts of the movement (the bridge and the waterfall built on it):
    both rebuild the same periods, so they share one definition. -#}
{% macro movement_period_fact_config() %}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': partition_replacement_strategy('append'),
        'partition_by': replaced_partitions(['period_end']),
        'on_schema_change': 'fail',
        'pre_hook': "{{ delete_periods_to_rebuild(this, var('movement_lookback_days')) }}",
    }) }}
{% endmacro %}
