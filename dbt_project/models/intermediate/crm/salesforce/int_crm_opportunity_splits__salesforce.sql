-- Credit splits of Salesforce opportunities (OpportunitySplit), live ones only.

with

salesforce_splits as (
    select * from {{ ref('stg_salesforce__opportunity_splits') }}
    where not is_deleted
),

opportunity_splits as (
    select
        split_id,
        opportunity_id,
        split_owner_id,
        split_type,
        split_pct,
        split_amount,
        currency_code
    from salesforce_splits
)

select * from opportunity_splits
