-- Every reassignment of a Zoho deal, from the deal's timeline.

with

owner_changes as (
    select
        deal_id as opportunity_id,
        changed_at,
        old_owner_id,
        new_owner_id
    from {{ ref('stg_zoho__deal_owner_changes') }}
)

select * from owner_changes
