-- Zoho users in the canonical CRM shape (int_crm_users). Zoho users carry no title or hire date
-- among their standard fields: those columns are empty, and quotas then start on the period start.

with

zoho_users as (
    select * from {{ ref('stg_zoho__users') }}
),

users as (
    select
        user_id,
        user_name,
        cast(null as {{ dbt.type_string() }}) as title,
        manager_id,
        is_active,
        cast(null as date) as hire_date,
        cast(null as date) as termination_date,
        created_at
    from zoho_users
)

select * from users
