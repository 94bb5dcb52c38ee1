-- Zoho deals' contacts from their Contact_Roles related lists. The primary one is the deal's
-- Contact_Name; a Contact_Name missing from the related list is a contact of the deal too.
with

roles as (
    select * from {{ ref('stg_zoho__deal_contact_roles') }}
),

deals as (
    select * from {{ ref('stg_zoho__deals') }}
    where not is_deleted
),

listed as (
    select
        roles.deal_id,
        roles.contact_id,
        roles.contact_role
    from roles
    inner join deals on roles.deal_id = deals.deal_id
),

primary_only as (
    select
        deals.deal_id,
        deals.primary_contact_id as contact_id,
        cast(null as {{ dbt.type_string() }}) as contact_role
    from deals
    left join listed
        on deals.deal_id = listed.deal_id and deals.primary_contact_id = listed.contact_id
    where deals.primary_contact_id is not null and listed.deal_id is null
),

all_contacts as (
    select * from listed
    union all
    select * from primary_only
),

opportunity_contact_roles as (
    select
        all_contacts.deal_id || ':' || all_contacts.contact_id as contact_role_id,
        all_contacts.deal_id as opportunity_id,
        all_contacts.contact_id,
        all_contacts.contact_role,
        coalesce(all_contacts.contact_id = deals.primary_contact_id, false) as is_primary
    from all_contacts
    inner join deals on all_contacts.deal_id = deals.deal_id
)

select * from opportunity_contact_roles
