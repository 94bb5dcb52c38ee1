with

source as (
    {{ newest_versions(source('salesforce', 'event'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as event_id,
        who_id as contact_id,
        what_id as related_record_id,
        owner_id,
        subject,
        type as event_type,
        start_date_time as started_at,
        end_date_time as ended_at,
        duration_in_minutes,
        activity_date,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at,
        system_modstamp as modified_at
    from source
)

select * from renamed
