with

source as (
    {{ newest_versions(source('salesforce', 'task'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as task_id,
        who_id as contact_id,
        what_id as related_record_id,
        owner_id,
        subject,
        type as task_type,
        status as task_status,
        priority,
        activity_date,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at,
        system_modstamp as modified_at
    from source
)

select * from renamed
