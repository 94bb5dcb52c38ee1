-- Emails and phones are hashed here, with a salt from the environment, so no raw contact PII
-- travels past staging.
with

source as (
    {{ newest_versions(source('salesforce', 'contact'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as contact_id,
        account_id,
        {{ hash_pii('email') }} as email_hash,
        {{ hash_pii('phone') }} as phone_hash,
        title,
        lead_source,
        owner_id,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at,
        system_modstamp as modified_at
    from source
)

select * from renamed
