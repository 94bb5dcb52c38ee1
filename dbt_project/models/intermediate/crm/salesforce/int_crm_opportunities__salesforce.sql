-- Salesforce opportunities in the canonical CRM shape (int_crm_opportunities). Deleted ones
-- stay, flagged.

with

salesforce_opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

opportunities as (
    select
        opportunity_id,
        account_id,
        opportunity_name,
        opportunity_type,
        stage_name,
        forecast_category,
        probability_pct,
        amount,
        currency_code,
        close_date,
        term_months,
        owner_id,
        is_closed,
        is_won,
        is_deleted,
        created_at,
        modified_at
        {{ pass_through_aliases('opportunities') }}  -- noqa: LT02
    from salesforce_opportunities
)

select * from opportunities
