-- A table: many models and tests read it, and each would compute a view of it again.
{{ config(materialized='table') }}
-- Each published rate holds from its date until the next published rate: a day without a rate
-- (weekends, holidays) uses the nearest earlier one. Rates must quote into the reporting
-- currency; the reporting currency itself converts at exactly 1.
with

fx_rates as (
    select * from {{ ref('stg_finance__fx_rates') }}
),

quoted_in_reporting_currency as (
    select
        from_currency as currency_code,
        rate_date,
        rate
    from fx_rates
    where to_currency = '{{ var("reporting_currency") }}'
),

ranged as (
    select
        currency_code,
        rate_date as valid_from,
        lead(rate_date) over (partition by currency_code order by rate_date) as valid_to,
        rate as rate_to_reporting
    from quoted_in_reporting_currency
),

reporting_currency as (
    select
        '{{ var("reporting_currency") }}' as currency_code,
        cast('1900-01-01' as date) as valid_from,
        cast(null as date) as valid_to,
        cast(1 as decimal(18, 6)) as rate_to_reporting
),

final as (
    select * from ranged
    union all
    select * from reporting_currency
)

select * from final
