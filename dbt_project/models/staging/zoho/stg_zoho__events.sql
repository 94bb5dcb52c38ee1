-- Zoho events (meetings), current version; deleted ones stay, flagged. What_Id is the record an
-- event is about.
with

source as (
    {{ newest_versions(source('zoho', 'events'), 'id', 'modified_time') }}
),

deleted as (
    select record_id from {{ ref('stg_zoho__deleted_records') }}
    where module_name = 'Events'
),

renamed as (
    select
        source.id as event_id,
        source.event_title,
        source.start_date_time as started_at,
        source.end_date_time as ended_at,
        source.what_id_id as related_record_id,
        source.owner_id,
        deleted.record_id is not null as is_deleted,
        source.created_time as created_at,
        source.modified_time as modified_at
    from source
    left join deleted on source.id = deleted.record_id
)

select * from renamed
