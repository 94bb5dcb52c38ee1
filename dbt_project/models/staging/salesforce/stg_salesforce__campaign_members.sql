-- A member is a lead or a contact; a converted lead's membership keeps its lead and gains the
-- contact the lead became.
with

source as (
    {{ newest_versions(source('salesforce', 'campaign_member'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as campaign_member_id,
        campaign_id,
        lead_id,
        contact_id,
        status as member_status,
        coalesce(has_responded, false) as has_responded,
        first_responded_date as first_responded_on,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at,
        system_modstamp as modified_at
    from source
)

select * from renamed
