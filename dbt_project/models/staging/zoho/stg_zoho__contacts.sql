-- Zoho contacts, current version, with email and phone salted-hashed on arrival.
with

source as (
    {{ newest_versions(source('zoho', 'contacts'), 'id', 'modified_time') }}
),

renamed as (
    select
        id as contact_id,
        account_name_id as account_id,
        first_name,
        last_name,
        email as email_hash,
        phone as phone_hash,
        title,
        owner_id,
        created_time as created_at,
        modified_time as modified_at
    from source
)

select * from renamed
