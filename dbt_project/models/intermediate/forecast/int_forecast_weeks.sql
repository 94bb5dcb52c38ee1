-- Each fiscal quarter begun by the as-of date, and each week of it as a forecast point: the day
-- a forecast is made (the week's last day, or the quarter's last day, or the as-of date,
-- whichever comes first), numbered from 1 within the quarter.
with

periods as (
    select * from {{ ref('int_calendar_periods') }}
),

quarters as (
    select
        period_start as quarter_start,
        period_end as quarter_end
    from periods
    where period_grain = 'quarter'
),

weeks as (
    select
        period_start as week_start,
        period_end as week_end
    from periods
    where period_grain = 'week'
),

forecast_days as (
    select distinct
        quarters.quarter_start,
        quarters.quarter_end,
        case
            when weeks.week_end < quarters.quarter_end and weeks.week_end < {{ as_of_date() }} then weeks.week_end
            when quarters.quarter_end < {{ as_of_date() }} then quarters.quarter_end
            else {{ as_of_date() }}
        end as forecast_date
    from quarters
    inner join weeks
        on
        quarters.quarter_start <= weeks.week_end
        and quarters.quarter_end >= weeks.week_start
    where weeks.week_start <= {{ as_of_date() }}
),

numbered as (
    select
        quarter_start,
        quarter_end,
        forecast_date,
        row_number() over (partition by quarter_start order by forecast_date) as week_of_quarter,
        quarter_end < {{ as_of_date() }} as is_quarter_complete
    from forecast_days
)

select * from numbered
