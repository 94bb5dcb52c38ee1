-- The state of each Zoho deal after every move its Stage_History records: one row per
-- (deal, changed_at). The forecast category is the stage's, from the Stage picklist.

with

stage_history as (
    select * from {{ ref('stg_zoho__deal_stage_history') }}
),

stages as (
    select * from {{ ref('stg_zoho__deal_stages') }}
),

opportunity_history as (
    select
        stage_history.deal_id as opportunity_id,
        stage_history.changed_at,
        stage_history.stage_name,
        stage_history.amount,
        stage_history.close_date,
        stage_history.probability_pct,
        stages.forecast_category
    from stage_history
    left join stages
        on stage_history.stage_name = stages.stage_name
)

select * from opportunity_history
