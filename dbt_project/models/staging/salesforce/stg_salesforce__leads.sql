-- Emails and phones arrive salted-hashed, as contacts' do.
with

source as (
    {{ newest_versions(source('salesforce', 'lead'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as lead_id,
        company as company_name,
        email as email_hash,
        status as lead_status,
        lead_source,
        owner_id,
        coalesce(is_converted, false) as is_converted,
        converted_date as converted_on,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at,
        system_modstamp as modified_at
    from source
)

select * from renamed
