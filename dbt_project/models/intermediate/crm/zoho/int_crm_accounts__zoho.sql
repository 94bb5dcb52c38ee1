-- Zoho accounts in the canonical CRM shape (int_crm_accounts). Deleted ones stay, flagged.

with

zoho_accounts as (
    select * from {{ ref('stg_zoho__accounts') }}
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
        -- Zoho's Website field is not loaded yet.
        cast(null as {{ dbt.type_string() }}) as website_domain,
        is_deleted,
        created_at
        {{ pass_through_aliases('accounts') }}  -- noqa: LT02
    from zoho_accounts
)

select * from accounts
