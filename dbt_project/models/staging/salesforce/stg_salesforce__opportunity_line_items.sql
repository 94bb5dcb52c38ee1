with

source as (
    {{ newest_versions(source('salesforce', 'opportunity_line_item'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as line_item_id,
        opportunity_id,
        product2_id as product_id,
        product_code,
        name as product_name,
        quantity,
        unit_price,
        total_price,
        currency_iso_code as currency_code,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at,
        system_modstamp as modified_at
    from source
)

select * from renamed
