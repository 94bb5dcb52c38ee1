-- HubSpot deal-contact associations as contact roles: no role and no primary contact.

with

deal_contacts as (
    select * from {{ ref('stg_hubspot__deal_contact_associations') }}
),

opportunity_contact_roles as (
    select
        deal_id || '-' || contact_id as contact_role_id,
        deal_id as opportunity_id,
        contact_id,
        cast(null as {{ dbt.type_string() }}) as contact_role,
        false as is_primary
    from deal_contacts
)

select * from opportunity_contact_roles
