-- Salesforce opportunity contact roles, live ones only.

with

salesforce_roles as (
    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}
    where not is_deleted
),

opportunity_contact_roles as (
    select
        contact_role_id,
        opportunity_id,
        contact_id,
        contact_role,
        is_primary
    from salesforce_roles
)

select * from opportunity_contact_roles
