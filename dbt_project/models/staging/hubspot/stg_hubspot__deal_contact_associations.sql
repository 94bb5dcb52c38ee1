with

source as (
    select * from {{ source('hubspot', 'deal_contact_associations') }}
),

renamed as (
    select
        deal_id,
        contact_id
    from source
)

select * from renamed
