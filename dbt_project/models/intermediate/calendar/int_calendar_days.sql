-- One row per day from the calendar start to the as-of date, with the (fiscal) periods it is in.
with

days as (
    -- dbt's date_spine stops the day before its end.
    select cast(spine.date_day as date) as date_day
    from (
        {{ dbt.date_spine(
            'day',
            "cast('" ~ var('calendar_start_date') ~ "' as date)",
            dbt.dateadd('day', 1, as_of_date())
        ) }}
    ) as spine
),

final as (
    select
        date_day,
        {{ period_start('week', 'date_day') }} as week_start,
        {{ period_start('month', 'date_day') }} as month_start,
        {{ period_start('quarter', 'date_day') }} as quarter_start,
        {{ period_start('year', 'date_day') }} as year_start
    from days
)

select * from final
