-- The CRM's accounts (HubSpot: companies) in one shape. Deleted (archived) ones stay, flagged.
{% if crm_source() == 'hubspot' %}

with

companies as (
    select * from {{ ref('stg_hubspot__companies') }}
),

accounts as (
    select
        company_id as account_id,
        company_name as account_name,
        company_type as account_type,
        industry,
        country as billing_country,
        segment,
        employee_count,
        owner_id,
        is_archived as is_deleted,
        created_at
    from companies
)

{% else %}

with

salesforce_accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

accounts as (
    select
        account_id,
        account_name,
        account_type,
        industry,
        billing_country,
        segment,
        employee_count,
        owner_id,
        is_deleted,
        created_at
    from salesforce_accounts
)

{% endif %}

select * from accounts
