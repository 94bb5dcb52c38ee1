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
