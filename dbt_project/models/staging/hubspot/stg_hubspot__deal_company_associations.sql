with

source as (
    select * from {{ source('hubspot', 'deal_company_associations') }}
),

renamed as (
    select
        deal_id,
        company_id,
        coalesce(is_primary, false) as is_primary
    from source
)

select * from renamed
