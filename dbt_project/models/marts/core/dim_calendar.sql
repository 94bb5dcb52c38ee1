-- One row per day from the calendar start to two years after the as-of date, with its week,
-- month, fiscal quarter and fiscal year (the fiscal_year_start_month and week_start_day vars):
-- the date dimension facts join to, future periods included (quotas and close dates run ahead).
with

days as (
    -- dbt's date_spine stops the day before its end.
    select cast(spine.date_day as date) as date_day
    from (
        {{ dbt.date_spine(
            'day',
            "cast('" ~ var('calendar_start_date') ~ "' as date)",
            dbt.dateadd('day', 1, dbt.dateadd('day', 730, as_of_date()))
        ) }}
    ) as spine
),

periods as (
    select
        date_day,
        {{ period_start('week', 'date_day') }} as week_start,
        {{ period_start('month', 'date_day') }} as month_start,
        {{ period_start('quarter', 'date_day') }} as fiscal_quarter_start,
        {{ period_start('year', 'date_day') }} as fiscal_year_start
    from days
),

final as (
    select
        date_day,
        {{ iso_day_of_week('date_day') }} as iso_day_of_week,
        week_start,
        month_start,
        fiscal_quarter_start,
        {{ period_end('quarter', 'fiscal_quarter_start') }} as fiscal_quarter_end,
        fiscal_year_start,
        -- A fiscal year is named after the calendar year it ends in.
        cast(extract(year from {{ period_end('year', 'fiscal_year_start') }}) as integer) as fiscal_year,
        cast({{ dbt.datediff('fiscal_year_start', 'fiscal_quarter_start', 'month') }} / 3 + 1 as integer)
            as fiscal_quarter,
        date_day <= {{ as_of_date() }} as is_on_or_before_as_of
    from periods
)

select * from final
