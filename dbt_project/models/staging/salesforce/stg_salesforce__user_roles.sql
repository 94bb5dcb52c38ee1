with

source as (
    select * from {{ source('salesforce', 'user_role') }}
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
