-- The state of each Zoho deal after every move: from its Stage_History (the API), or, for a deal
-- read from Zoho's data backup, which has none, from the versions the backups brought. One row
-- per (deal, changed_at). The forecast category is the stage's, from the Stage picklist.

with

stage_history as (
    select * from {{ ref('stg_zoho__deal_stage_history') }}
),

deal_versions as (
    select * from {{ ref('stg_zoho__deal_versions') }}
),

stages as (
    select * from {{ ref('stg_zoho__deal_stages') }}
),

moves as (
    select
        deal_id,
        changed_at,
        stage_name,
        amount,
        close_date,
        probability_pct
    from stage_history
    union all
    select
        deal_id,
        cast(modified_at as timestamp) as changed_at,
        stage_name,
        amount,
        close_date,
        probability_pct
    from deal_versions
    where
        is_move
        and not exists (
            select 1 from stage_history
            where stage_history.deal_id = deal_versions.deal_id
        )
),

opportunity_history as (
    select
        moves.deal_id as opportunity_id,
        moves.changed_at,
        moves.stage_name,
        moves.amount,
        moves.close_date,
        moves.probability_pct,
        stages.forecast_category
    from moves
    left join stages
        on moves.stage_name = stages.stage_name
)

select * from opportunity_history
