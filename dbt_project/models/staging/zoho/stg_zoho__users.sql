-- Zoho users: the reps plans and quotas refer to by user id.
with

source as (
    {{ newest_versions(source('zoho', 'users'), 'id', 'modified_time') }}
),

renamed as (
    select
        id as user_id,
        full_name as user_name,
        role_id,
        reporting_to_id as manager_id,
        coalesce(lower(status) = 'active', false) as is_active,
        created_time as created_at,
        modified_time as modified_at
    from source
)

select * from renamed
