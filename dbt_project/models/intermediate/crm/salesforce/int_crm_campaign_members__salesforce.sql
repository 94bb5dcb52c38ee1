-- Salesforce campaign members, live ones only.

with

salesforce_members as (
    select * from {{ ref('stg_salesforce__campaign_members') }}
    where not is_deleted
),

campaign_members as (
    select
        campaign_member_id,
        campaign_id,
        lead_id,
        contact_id,
        member_status,
        has_responded,
        first_responded_on,
        created_at
    from salesforce_members
)

select * from campaign_members
