-- Salesforce accounts in the canonical CRM shape (int_crm_accounts). Deleted ones stay, flagged.

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
        -- The website's host, lower case, without www.: https://www.Acme.com/about -> acme.com
        lower({{ regexp_replace_all('website', '^([a-zA-Z]+://)?(www[.])?([^/]+).*$', '\\3') }}) as website_domain,
        is_deleted,
        created_at
        {{ pass_through_aliases('accounts') }}  -- noqa: LT02
    from salesforce_accounts
)

select * from accounts
