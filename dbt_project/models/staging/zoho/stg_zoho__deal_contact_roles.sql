-- Each deal's contacts from its Contact_Roles related list, with their role; the rows that only
-- say a deal has none are left out.
with

source as (
    select * from {{ source('zoho', 'deal_contact_roles') }}
),

renamed as (
    select
        deal_id,
        contact_id,
        contact_role
    from source
    where contact_id is not null
)

select * from renamed
