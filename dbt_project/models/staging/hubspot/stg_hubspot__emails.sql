with

source as (
    {{ newest_versions(source('hubspot', 'emails'), 'id', 'hs_lastmodifieddate') }}
),

renamed as (
    select
        id as email_id,
        hs_email_subject as subject,
        hubspot_owner_id as owner_id,
        hs_timestamp as activity_at,
        coalesce(archived, false) as is_archived,
        createdate as created_at,
        hs_lastmodifieddate as modified_at
    from source
)

select * from renamed
