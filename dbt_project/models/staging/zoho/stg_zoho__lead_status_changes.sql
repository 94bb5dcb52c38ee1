-- Changes of a lead's Lead_Status, from the lead's timeline.
with

source as (
    select * from {{ source('zoho', 'lead_status_changes') }}
),

renamed as (
    select
        lead_id,
        cast(changed_at as timestamp) as changed_at,
        old_status,
        new_status
    from source
)

select * from renamed
