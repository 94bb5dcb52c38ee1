-- Each deal's Stage_History rows: the stage, amount, close date and probability after each move.
with

source as (
    select * from {{ source('zoho', 'deal_stage_history') }}
),

renamed as (
    select
        deal_id,
        id as stage_history_id,
        stage as stage_name,
        cast(amount as decimal(18, 2)) as amount,
        cast(closing_date as date) as close_date,
        cast(probability as decimal(5, 2)) as probability_pct,
        cast(modified_time as timestamp) as changed_at
    from source
)

select * from renamed
