with

source as (
    {{ newest_versions(source('salesforce', 'user_role'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as user_role_id,
        name as role_name,
        developer_name as role_developer_name,
        parent_role_id,
        system_modstamp as modified_at
    from source
)

select * from renamed
