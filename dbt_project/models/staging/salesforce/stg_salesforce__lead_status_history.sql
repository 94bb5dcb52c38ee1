-- Lead field history, status changes only (the funnel's stage timestamps).
with

source as (
    {{ newest_versions(source('salesforce', 'lead_history'), 'id', 'created_date') }}
),

renamed as (
    select
        id as lead_history_id,
        lead_id,
        old_value as old_status,
        new_value as new_status,
        created_date as changed_at
    from source
    where
        field = 'Status'
        and not coalesce(is_deleted, false)
)

select * from renamed
