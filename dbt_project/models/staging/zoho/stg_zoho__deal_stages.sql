-- The Deals Stage picklist: each stage's probability, forecast category and whether it is open,
-- won or lost (Zoho's forecast type).
with

source as (
    select * from {{ source('zoho', 'deal_stages') }}
),

renamed as (
    select
        stage as stage_name,
        sequence_number,
        cast(probability as decimal(5, 2)) as probability_pct,
        forecast_category,
        forecast_type,
        forecast_type in ('Closed Won', 'Closed Lost') as is_closed,
        forecast_type = 'Closed Won' as is_won
    from source
)

select * from renamed
