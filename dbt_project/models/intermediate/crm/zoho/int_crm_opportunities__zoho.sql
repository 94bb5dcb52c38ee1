-- Zoho deals in the canonical CRM shape (int_crm_opportunities). Deleted ones stay, flagged. The
-- forecast category and whether a deal is closed or won come from its stage in the Stage picklist.

with

deals as (
    select * from {{ ref('stg_zoho__deals') }}
),

stages as (
    select * from {{ ref('stg_zoho__deal_stages') }}
),

opportunities as (
    select
        deals.deal_id as opportunity_id,
        deals.account_id,
        deals.deal_name as opportunity_name,
        deals.deal_type as opportunity_type,
        deals.stage_name,
        stages.forecast_category,
        deals.probability_pct,
        deals.amount,
        deals.currency_code,
        deals.close_date,
        deals.term_months,
        deals.owner_id,
        coalesce(stages.is_closed, false) as is_closed,
        coalesce(stages.is_won, false) as is_won,
        deals.is_deleted,
        deals.created_at,
        deals.modified_at
        {{ pass_through_aliases('opportunities', 'deals.') }}  -- noqa: LT02
    from deals
    left join stages
        on deals.stage_name = stages.stage_name
)

select * from opportunities
