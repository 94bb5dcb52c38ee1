-- Every reassignment of a Salesforce opportunity: OpportunityFieldHistory's Owner rows.

with

field_history as (
    select * from {{ ref('stg_salesforce__opportunity_field_history') }}
    where field_name = 'Owner'
        and not is_deleted
),

owner_changes as (
    select
        opportunity_id,
        created_at as changed_at,
        old_value as old_owner_id,
        new_value as new_owner_id
    from field_history
)

select * from owner_changes
