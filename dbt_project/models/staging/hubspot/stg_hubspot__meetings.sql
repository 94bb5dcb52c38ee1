with

source as (
    {{ newest_versions(source('hubspot', 'meetings'), 'id', 'hs_lastmodifieddate') }}
),

renamed as (
    select
        id as meeting_id,
        hs_meeting_title as subject,
        hubspot_owner_id as owner_id,
        hs_timestamp as activity_at,
        coalesce(archived, false) as is_archived,
        createdate as created_at,
        hs_lastmodifieddate as modified_at
    from source
)

select * from renamed
