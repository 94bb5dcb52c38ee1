with

source as (
    select * from {{ source('hubspot', 'deal_pipeline_stages') }}
),

renamed as (
    select
        pipeline_id,
        pipeline_label,
        stage_id,
        stage_label as stage_name,
        display_order,
        cast(probability * 100 as decimal(5, 2)) as probability_pct,
        coalesce(is_closed, false) as is_closed,
        coalesce(archived, false) as is_archived
    from source
)

select * from renamed
