-- Salesforce lead status changes (LeadHistory).

with

status_history as (
    select * from {{ ref('stg_salesforce__lead_status_history') }}
),

lead_status_changes as (
    select
        lead_id,
        changed_at,
        old_status,
        new_status
    from status_history
)

select * from lead_status_changes
