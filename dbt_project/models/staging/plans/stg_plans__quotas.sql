with

source as (
    select * from {{ source('plans', 'quotas') }}
),

renamed as (
    select
        {{ dbt.hash("user_id || '|' || cast(period_start as " ~ dbt.type_string() ~ ")") }} as quota_id,
        user_id,
        period_start,
        period_end,
        quota_amount,
        currency as currency_code,
        ramp_pct
    from source
)

select * from renamed
