-- Zoho tasks, current version; deleted ones stay, flagged. What_Id is the record a task is about.
with

source as (
    {{ newest_versions(source('zoho', 'tasks'), 'id', 'modified_time') }}
),

deleted as (
    select record_id from {{ ref('stg_zoho__deleted_records') }}
    where module_name = 'Tasks'
),

renamed as (
    select
        source.id as task_id,
        source.subject,
        source.status as task_status,
        source.due_date,
        source.closed_time as closed_at,
        source.what_id_id as related_record_id,
        source.owner_id,
        deleted.record_id is not null as is_deleted,
        source.created_time as created_at,
        source.modified_time as modified_at
    from source
    left join deleted on source.id = deleted.record_id
)

select * from renamed
