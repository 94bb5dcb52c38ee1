-- The CRM's users (reps, managers) in one shape. HubSpot owners carry no manager, title or hire
-- date: those columns are empty for HubSpot, and quotas then start on the period start.
{% if crm_source() == 'hubspot' %}

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

{% else %}

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

{% endif %}

select * from users
