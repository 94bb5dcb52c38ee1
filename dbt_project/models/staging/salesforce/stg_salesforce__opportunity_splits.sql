with

source as (
    {{ newest_versions(source('salesforce', 'opportunity_split'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as split_id,
        opportunity_id,
        split_owner_id,
        split_type_name as split_type,
        split_percentage as split_pct,
        split_amount,
        currency_iso_code as currency_code,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at,
        system_modstamp as modified_at
    from source
)

select * from renamed
