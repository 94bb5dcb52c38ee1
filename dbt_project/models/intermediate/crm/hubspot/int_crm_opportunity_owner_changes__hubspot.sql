-- Every reassignment of a HubSpot deal: the owner property's history, whose first value is the
-- owner at creation, not a change.

with

owner_history as (
    select * from {{ ref('stg_hubspot__deal_property_history') }}
    where property_name = 'hubspot_owner_id'
),

with_previous_owner as (
    select
        deal_id,
        changed_at,
        property_value as new_owner_id,
        lag(property_value) over (partition by deal_id order by changed_at) as old_owner_id
    from owner_history
),

owner_changes as (
    select
        deal_id as opportunity_id,
        changed_at,
        old_owner_id,
        new_owner_id
    from with_previous_owner
    where old_owner_id is not null
        and old_owner_id <> coalesce(new_owner_id, '')
)

select * from owner_changes
