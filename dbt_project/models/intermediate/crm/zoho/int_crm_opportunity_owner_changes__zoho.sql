-- Every reassignment of a Zoho deal: from the deal's timeline (the API), or, for a deal read from
-- Zoho's data backup, which has no timeline, from the owners of its successive versions.

with

timeline_changes as (
    select * from {{ ref('stg_zoho__deal_owner_changes') }}
),

deal_versions as (
    select * from {{ ref('stg_zoho__deal_versions') }}
),

stage_history as (
    select * from {{ ref('stg_zoho__deal_stage_history') }}
),

owner_changes as (
    select
        deal_id as opportunity_id,
        changed_at,
        old_owner_id,
        new_owner_id
    from timeline_changes
    union all
    select
        deal_id,
        cast(modified_at as timestamp) as changed_at,
        previous_owner_id as old_owner_id,
        owner_id as new_owner_id
    from deal_versions
    where
        previous_owner_id != owner_id
        and not exists (
            select 1 from stage_history
            where stage_history.deal_id = deal_versions.deal_id
        )
)

select * from owner_changes
