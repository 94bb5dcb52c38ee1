with

source as (
    {{ newest_versions(source('salesforce', 'opportunity_contact_role'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as contact_role_id,
        opportunity_id,
        contact_id,
        role as contact_role,
        coalesce(is_primary, false) as is_primary,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at,
        system_modstamp as modified_at
    from source
)

select * from renamed
