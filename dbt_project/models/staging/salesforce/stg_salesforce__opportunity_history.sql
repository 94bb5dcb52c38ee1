with

source as (
    {{ newest_versions(source('salesforce', 'opportunity_history'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as opportunity_history_id,
        opportunity_id,
        stage_name,
        amount,
        expected_revenue,
        close_date,
        probability as probability_pct,
        forecast_category,
        created_by_id,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at
    from source
)

select * from renamed
