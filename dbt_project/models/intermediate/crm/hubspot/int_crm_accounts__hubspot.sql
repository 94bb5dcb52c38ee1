-- HubSpot companies in the canonical CRM shape (int_crm_accounts). Archived ones stay, flagged.

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
        lower(regexp_replace(domain, '^(www[.])?', '')) as website_domain,
        is_archived as is_deleted,
        created_at
        {{ pass_through_aliases('accounts') }}  -- noqa: LT02
    from companies
)

select * from accounts
