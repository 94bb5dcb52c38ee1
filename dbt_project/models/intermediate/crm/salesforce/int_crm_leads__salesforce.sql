-- Salesforce leads, live ones only.

with

salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
    where not is_deleted
),

leads as (
    select
        lead_id,
        owner_id,
        lead_source,
        lead_status,
        created_at,
        is_converted,
        converted_on,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id
    from salesforce_leads
)

select * from leads
