-- Emails and phones are hashed here, with a salt from the environment, so no raw contact PII
-- travels past staging.
with

source as (
    {{ newest_versions(source('hubspot', 'contacts'), 'id', 'lastmodifieddate') }}
),

renamed as (
    select
        id as contact_id,
        associatedcompanyid as company_id,
        {{ hash_pii('email') }} as email_hash,
        {{ hash_pii('phone') }} as phone_hash,
        jobtitle as job_title,
        hubspot_owner_id as owner_id,
        coalesce(archived, false) as is_archived,
        createdate as created_at,
        lastmodifieddate as modified_at
    from source
)

select * from renamed
