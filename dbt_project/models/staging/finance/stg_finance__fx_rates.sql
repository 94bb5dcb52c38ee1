-- `rate` is units of `to_currency` for one unit of `from_currency` on `rate_date`.
with

source as (
    {{ newest_versions(source('finance', 'fx_rates'), 'rate_date, from_currency, to_currency', 'created_at') }}
),

renamed as (
    select
        rate_date,
        from_currency,
        to_currency,
        rate,
        created_at
    from source
)

select * from renamed
