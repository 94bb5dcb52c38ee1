-- A table: many models and tests read it, and each would compute a view of it again.
{{ config(materialized='table') }}
-- Who is credited what for each won deal. A deal with revenue splits credits each split owner
-- their split percentage; a deal without splits credits its owner 100 %. Overlay splits add
-- credit beyond 100 %. Amounts convert at the close date's rate (nearest earlier published
-- rate), rounded half-up to cents per credited line.
with

opportunities as (
    select * from {{ ref('int_crm_opportunities') }}
    where is_won and not is_deleted
),

splits as (
    select * from {{ ref('int_crm_opportunity_splits') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_ranged') }}
),

memberships as (
    select * from {{ ref('int_rep_team_memberships_enriched') }}
),

split_credits as (
    select
        opportunity_id,
        split_owner_id as user_id,
        split_type as credit_type,
        split_pct
    from splits
),

owner_credits as (
    select
        opportunities.opportunity_id,
        opportunities.owner_id as user_id,
        'Revenue' as credit_type,
        cast(100 as decimal(18, 2)) as split_pct
    from opportunities
    where not exists (
            select 1
            from split_credits
            where split_credits.opportunity_id = opportunities.opportunity_id
                and split_credits.credit_type = 'Revenue'
        )
),

credits as (
    select * from split_credits
    union all
    select * from owner_credits
),

credited as (
    select
        {{ dbt.hash("credits.opportunity_id || '|' || credits.user_id || '|' || credits.credit_type") }} as credit_id,
        opportunities.opportunity_id,
        credits.user_id,
        credits.credit_type,
        credits.split_pct,
        opportunities.opportunity_type,
        opportunities.account_id,
        opportunities.close_date as credit_date,
        opportunities.term_months,
        opportunities.currency_code,
        opportunities.amount,
        {{ round_money(divide('opportunities.amount * credits.split_pct', '100', 8)) }} as credited_amount,
        fx_rates.rate_to_reporting as fx_rate_to_reporting
    from credits
    inner join opportunities
        on credits.opportunity_id = opportunities.opportunity_id
    left join fx_rates
        on opportunities.currency_code = fx_rates.currency_code
        and {{ is_valid_on('opportunities.close_date', 'fx_rates') }}
),

final as (
    select
        credited.credit_id,
        credited.opportunity_id,
        credited.user_id,
        credited.credit_type,
        credited.split_pct,
        credited.opportunity_type,
        credited.account_id,
        credited.credit_date,
        credited.term_months,
        credited.currency_code,
        credited.amount,
        credited.credited_amount,
        credited.fx_rate_to_reporting,
        {{ round_money('credited.credited_amount * credited.fx_rate_to_reporting') }} as credited_amount_reporting,
        memberships.team_id,
        memberships.territory_id,
        memberships.region
    from credited
    left join memberships
        on credited.user_id = memberships.user_id
        and {{ is_valid_on('credited.credit_date', 'memberships') }}
)

select * from final
