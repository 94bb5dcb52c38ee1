with

source as (
    {{ newest_versions(source('hubspot', 'tasks'), 'id', 'hs_lastmodifieddate') }}
),

renamed as (
    select
        id as task_id,
        hs_task_subject as subject,
        hs_task_status as task_status,
        hubspot_owner_id as owner_id,
        hs_timestamp as activity_at,
        coalesce(archived, false) as is_archived,
        createdate as created_at,
        hs_lastmodifieddate as modified_at
    from source
)

select * from renamed
