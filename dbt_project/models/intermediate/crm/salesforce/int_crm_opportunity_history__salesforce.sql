-- The state of each Salesforce opportunity after every change to its stage, amount, close date
-- or forecast category, as Salesforce writes it (OpportunityHistory): one row per
-- (opportunity, changed_at).

with

salesforce_history as (
    select * from {{ ref('stg_salesforce__opportunity_history') }}
    where not is_deleted
),

opportunity_history as (
    select
        opportunity_id,
        created_at as changed_at,
        stage_name,
        amount,
        close_date,
        probability_pct,
        forecast_category
    from salesforce_history
)

select * from opportunity_history
