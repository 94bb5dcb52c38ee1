-- Salesforce users (reps, managers) in the canonical CRM shape (int_crm_users).

with

salesforce_users as (
    select * from {{ ref('stg_salesforce__users') }}
),

users as (
    select
        user_id,
        user_name,
        title,
        manager_id,
        is_active,
        hire_date,
        termination_date,
        created_at
    from salesforce_users
)

select * from users
