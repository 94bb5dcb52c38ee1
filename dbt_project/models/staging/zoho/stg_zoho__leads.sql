-- Zoho leads, current version, converted ones included (the source asks for them); deleted ones
-- stay, flagged. Zoho keeps no "converted" status: Converted__s says it.
with

source as (
    {{ newest_versions(source('zoho', 'leads'), 'id', 'modified_time') }}
),

deleted as (
    select record_id from {{ ref('stg_zoho__deleted_records') }}
    where module_name = 'Leads'
),

renamed as (
    select
        source.id as lead_id,
        source.company as company_name,
        source.lead_status,
        source.lead_source,
        source.owner_id,
        coalesce(source.converted__s, false) as is_converted,
        source.converted_date_time as converted_at,
        source.converted_account_id,
        source.converted_contact_id,
        source.converted_deal_id,
        deleted.record_id is not null as is_deleted,
        source.created_time as created_at,
        source.modified_time as modified_at
    from source
    left join deleted on source.id = deleted.record_id
)

select * from renamed
