with

source as (
    {{ newest_versions(source('finance', 'marketing_spend'), 'spend_id', 'updated_at') }}
),

renamed as (
    select
        spend_id,
        spend_month,
        channel,
        campaign_id,
        currency as currency_code,
        amount,
        updated_at
    from source
)

select * from renamed
