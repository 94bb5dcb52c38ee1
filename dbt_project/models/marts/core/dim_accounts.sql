-- One row per CRM account (deleted ones kept and flagged: old deals still point at them).
with

accounts as (
    select * from {{ ref('int_crm_accounts') }}
),

users as (
    select * from {{ ref('int_crm_users') }}
),

final as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.account_type,
        accounts.industry,
        accounts.billing_country,
        accounts.segment,
        cast(accounts.employee_count as integer) as employee_count,
        accounts.owner_id,
        owners.user_name as owner_name,
        accounts.is_deleted,
        cast(accounts.created_at as date) as created_date
        {{ pass_through_aliases('accounts', 'accounts.', staged=false) }}  -- noqa: LT02
    from accounts
    left join users as owners
        on accounts.owner_id = owners.user_id
)

select * from final
