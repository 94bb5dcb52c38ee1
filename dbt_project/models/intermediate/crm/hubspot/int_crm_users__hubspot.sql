-- HubSpot owners in the canonical CRM shape (int_crm_users). Owners carry no manager, title or
-- hire date: those columns are empty, and quotas then start on the period start.

with

owners as (
    select * from {{ ref('stg_hubspot__owners') }}
),

users as (
    select
        owner_id as user_id,
        owner_name as user_name,
        cast(null as {{ dbt.type_string() }}) as title,
        cast(null as {{ dbt.type_string() }}) as manager_id,
        not is_archived as is_active,
        cast(null as date) as hire_date,
        cast(null as date) as termination_date,
        created_at
    from owners
)

select * from users
