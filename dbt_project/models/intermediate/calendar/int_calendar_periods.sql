-- Every week, month, fiscal quarter and fiscal year that has begun by the as-of date, with its
-- first and last day and the day the period is measured at (its last day, or the as-of date
-- while it runs).
with

days as (
    select * from {{ ref('int_calendar_days') }}
),

{% set grains = ['week', 'month', 'quarter', 'year'] %}

period_starts as (
    {% for grain in grains %}
    select distinct
        '{{ grain }}' as period_grain,
        {{ grain }}_start as period_start
    from days
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

with_ends as (
    select
        period_grain,
        period_start,
        case period_grain
            {% for grain in grains %}
            when '{{ grain }}' then {{ period_end(grain, 'period_start') }}
            {% endfor %}
        end as period_end
    from period_starts
),

final as (
    select
        period_grain,
        period_start,
        period_end,
        case when period_end < {{ as_of_date() }} then period_end else {{ as_of_date() }} end as measured_on,
        cast({{ dbt.dateadd('day', -1, 'period_start') }} as date) as day_before_start,
        period_end < {{ as_of_date() }} as is_complete
    from with_ends
)

select * from final
