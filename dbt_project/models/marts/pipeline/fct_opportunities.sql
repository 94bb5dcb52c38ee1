-- Opportunities, current state: one row per (not deleted) opportunity. Closed deals convert at
-- their close date's rate and sit with the team their owner was in at close; open deals convert
-- at today's rate and sit with the owner's current team.
with

opportunities as (
    select * from {{ ref('int_crm_opportunities') }}
    where not is_deleted
),

accounts as (
    select * from {{ ref('int_crm_accounts') }}
),

users as (
    select * from {{ ref('int_crm_users') }}
),

stages_entered as (
    select * from {{ ref('int_opportunity_stages_entered') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_ranged') }}
),

memberships as (
    select * from {{ ref('int_rep_team_memberships_enriched') }}
),

with_reference_date as (
    select
        opportunities.*,
        case when opportunities.is_closed then opportunities.close_date else {{ as_of_date() }} end as reference_date
    from opportunities
),

final as (
    select
        opportunities.opportunity_id,
        opportunities.source_system,
        opportunities.opportunity_name,
        opportunities.account_id,
        accounts.account_name,
        opportunities.owner_id,
        users.user_name as owner_name,
        memberships.team_id,
        memberships.team_name,
        memberships.territory_id,
        memberships.region,
        opportunities.opportunity_type,
        opportunities.stage_name,
        opportunities.forecast_category,
        cast(opportunities.probability_pct as integer) as probability_pct,
        opportunities.currency_code,
        opportunities.amount,
        fx_rates.rate_to_reporting as fx_rate_to_reporting,
        {{ round_money('opportunities.amount * fx_rates.rate_to_reporting') }} as amount_reporting,
        {{ round_money(divide('opportunities.amount * fx_rates.rate_to_reporting * opportunities.probability_pct', '100', 8)) }} as weighted_amount_reporting,
        cast(opportunities.created_at as date) as created_date,
        opportunities.close_date,
        cast(opportunities.term_months as integer) as term_months,
        cast({{ dbt.datediff('cast(opportunities.created_at as date)', 'opportunities.reference_date', 'day') }} as integer) as age_days,
        cast({{ dbt.datediff('cast(stages_entered.current_stage_entered_at as date)', as_of_date(), 'day') }} as integer) as days_in_current_stage,
        not opportunities.is_closed as is_open,
        opportunities.is_won,
        opportunities.is_closed and not opportunities.is_won as is_lost
        {{ pass_through_aliases('opportunities', 'opportunities.', staged=false) }}  -- noqa: LT02
    from with_reference_date as opportunities
    left join accounts
        on opportunities.account_id = accounts.account_id
    left join users
        on opportunities.owner_id = users.user_id
    left join stages_entered
        on opportunities.opportunity_id = stages_entered.opportunity_id
    left join fx_rates
        on opportunities.currency_code = fx_rates.currency_code
        and {{ is_valid_on('opportunities.reference_date', 'fx_rates') }}
    left join memberships
        on opportunities.owner_id = memberships.user_id
        and {{ is_valid_on('opportunities.reference_date', 'memberships') }}
)

select * from final
