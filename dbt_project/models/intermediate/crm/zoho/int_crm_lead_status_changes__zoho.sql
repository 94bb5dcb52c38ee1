-- Zoho lead status changes, from each lead's timeline.

with

status_changes as (
    select * from {{ ref('stg_zoho__lead_status_changes') }}
),

lead_status_changes as (
    select
        lead_id,
        changed_at,
        old_status,
        new_status
    from status_changes
)

select * from lead_status_changes
