-- Each currency's rate to the reporting currency at both boundaries of every period: the end of
-- the day before it starts and the day it is measured at. Pipeline movements convert at the
-- start rate; what the end rate changes is FX revaluation. A currency first quoted during the
-- period takes its end rate at the start too.
with

periods as (
    select * from {{ ref('int_calendar_periods') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_ranged') }}
),

currencies as (
    select distinct currency_code from fx_rates
),

at_boundaries as (
    select
        periods.period_grain,
        periods.period_start,
        currencies.currency_code,
        start_rates.rate_to_reporting as start_rate,
        end_rates.rate_to_reporting as end_rate
    from periods
    cross join currencies
    left join fx_rates as start_rates
        on currencies.currency_code = start_rates.currency_code
        and {{ is_valid_on('periods.day_before_start', 'start_rates') }}
    left join fx_rates as end_rates
        on currencies.currency_code = end_rates.currency_code
        and {{ is_valid_on('periods.measured_on', 'end_rates') }}
),

final as (
    select
        period_grain,
        period_start,
        currency_code,
        coalesce(start_rate, end_rate) as start_rate,
        end_rate
    from at_boundaries
)

select * from final
