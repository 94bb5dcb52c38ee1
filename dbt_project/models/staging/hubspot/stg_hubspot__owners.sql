-- HubSpot owners are the CRM's users: the reps plans and quotas refer to by owner id.
with

source as (
    {{ newest_versions(source('hubspot', 'owners'), 'id', 'updated_at') }}
),

renamed as (
    select
        id as owner_id,
        user_id as hubspot_user_id,
        first_name,
        last_name,
        trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')) as owner_name,
        coalesce(archived, false) as is_archived,
        created_at,
        updated_at as modified_at
    from source
)

select * from renamed
