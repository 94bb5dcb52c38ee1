-- HubSpot deals in the canonical CRM shape (int_crm_opportunities). Archived ones stay, flagged.
-- The stage label comes from the deal's pipeline; the account is the deal's primary company (else
-- its lowest company id).

with

deals as (
    select * from {{ ref('stg_hubspot__deals') }}
),

stages as (
    select * from {{ ref('stg_hubspot__deal_pipeline_stages') }}
),

associations as (
    select * from {{ ref('stg_hubspot__deal_company_associations') }}
),

primary_companies as (
    select
        deal_id,
        company_id,
        row_number() over (
            partition by deal_id order by case when is_primary then 0 else 1 end, company_id
        ) as company_rank
    from associations
),

opportunities as (
    select
        deals.deal_id as opportunity_id,
        primary_companies.company_id as account_id,
        deals.deal_name as opportunity_name,
        deals.deal_type as opportunity_type,
        coalesce(stages.stage_name, deals.stage_id) as stage_name,
        deals.forecast_category,
        deals.probability_pct,
        deals.amount,
        deals.currency_code,
        deals.close_date,
        deals.term_months,
        deals.owner_id,
        deals.is_closed,
        deals.is_won,
        deals.is_archived as is_deleted,
        deals.created_at,
        deals.modified_at
        {{ pass_through_aliases('opportunities', 'deals.') }}  -- noqa: LT02
    from deals
    left join stages
        on deals.pipeline_id = stages.pipeline_id
        and deals.stage_id = stages.stage_id
    left join primary_companies
        on deals.deal_id = primary_companies.deal_id
        and primary_companies.company_rank = 1
)

select * from opportunities
