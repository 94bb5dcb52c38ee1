-- Emails and phones arrive hashed: the loaders salt-hash them (ingestion/contracts.py, the salt
-- from SALESOPS_PII_SALT or .dlt/secrets.toml), so no clear contact PII, and no salt, is in dbt.
with

source as (
    {{ newest_versions(source('salesforce', 'contact'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as contact_id,
        account_id,
        email as email_hash,
        phone as phone_hash,
        title,
        lead_source,
        owner_id,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at,
        system_modstamp as modified_at
    from source
)

select * from renamed
