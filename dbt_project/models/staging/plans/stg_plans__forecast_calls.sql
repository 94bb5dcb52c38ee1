-- The forecast calls reps and managers submit each week for a fiscal quarter.
with

source as (
    select * from {{ source('plans', 'forecast_calls') }}
),

renamed as (
    select
        user_id,
        period_start as quarter_start,
        submitted_on,
        commit_amount,
        best_case_amount,
        pipeline_amount,
        currency as currency_code
    from source
)

select * from renamed
