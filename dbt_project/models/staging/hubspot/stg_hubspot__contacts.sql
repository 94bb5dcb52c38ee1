-- Emails and phones arrive hashed: the loaders salt-hash them (ingestion/contracts.py, the salt
-- from SALESOPS_PII_SALT or .dlt/secrets.toml), so no clear contact PII, and no salt, is in dbt.
with

source as (
    {{ newest_versions(source('hubspot', 'contacts'), 'id', 'lastmodifieddate') }}
),

renamed as (
    select
        id as contact_id,
        associatedcompanyid as company_id,
        email as email_hash,
        phone as phone_hash,
        jobtitle as job_title,
        hubspot_owner_id as owner_id,
        lifecyclestage as lifecycle_stage,
        hs_analytics_source as original_source,
        hs_lifecyclestage_lead_date as became_lead_at,
        hs_lifecyclestage_marketingqualifiedlead_date as became_mql_at,
        hs_lifecyclestage_salesqualifiedlead_date as became_sql_at,
        hs_lifecyclestage_opportunity_date as became_opportunity_at,
        coalesce(archived, false) as is_archived,
        createdate as created_at,
        lastmodifieddate as modified_at
    from source
)

select * from renamed
