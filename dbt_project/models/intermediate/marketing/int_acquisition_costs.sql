-- Every sales and marketing cost by month, in the reporting currency at the rate in force on the
-- month's first day: marketing spend and the other selling and marketing costs (shared: no region
-- or segment), and commission expense from the payout ledger (earned, SPIFFs, overrides and
-- clawbacks, with their adjustments; not draws, nor the on-cash timing of held and released
-- pay), in the region and segment of the rep's team that month ('Unassigned' for a user in no
-- team, such as a regional VP's override).
with

fx_rates as (
    select * from {{ ref('int_fx_rates_ranged') }}
),

ledger as (
    select * from {{ ref('fct_payout_ledger') }}
),

memberships as (
    select * from {{ ref('int_rep_team_memberships_enriched') }}
),

shared_costs as (
    select
        spend_month as cost_month,
        'marketing_spend' as cost_type,
        currency_code,
        amount,
        cast(null as {{ dbt.type_string() }}) as user_id
    from {{ ref('stg_finance__marketing_spend') }}
    union all
    select
        cost_month,
        'other_sales_marketing' as cost_type,
        currency_code,
        amount,
        cast(null as {{ dbt.type_string() }}) as user_id
    from {{ ref('stg_finance__sales_marketing_costs') }}
),

commission_expense as (
    select
        ledger_month as cost_month,
        'commissions' as cost_type,
        currency_code,
        amount,
        user_id
    from ledger
    where coalesce(adjusted_entry_type, entry_type) in {{ commission_expense_entry_types() }}
),

costs as (
    select * from shared_costs
    union all
    select * from commission_expense
),

-- The team a rep was in that month: the latest membership overlapping it.
rep_months as (
    select
        user_costs.user_id,
        user_costs.cost_month,
        memberships.region,
        memberships.segment,
        row_number() over (
            partition by user_costs.user_id, user_costs.cost_month order by memberships.valid_from desc
        ) as membership_rank
    from (
        select distinct
            user_id,
            cost_month
        from costs
        where user_id is not null
    ) as user_costs
    inner join memberships
        on
        user_costs.user_id = memberships.user_id
        and memberships.valid_from <= {{ period_end('month', 'user_costs.cost_month') }}
        and (memberships.valid_to is null or user_costs.cost_month < memberships.valid_to)
),

final as (
    select
        costs.cost_month,
        costs.cost_type,
        case when costs.user_id is not null then coalesce(rep_months.region, 'Unassigned') end as region,
        case when costs.user_id is not null then coalesce(rep_months.segment, 'Unassigned') end as segment,
        cast(sum(costs.amount * fx_rates.rate_to_reporting) as decimal(18, 2)) as amount_reporting
    from costs
    inner join fx_rates
        on
        costs.currency_code = fx_rates.currency_code
        and costs.cost_month >= fx_rates.valid_from
        and (fx_rates.valid_to is null or costs.cost_month < fx_rates.valid_to)
    left join rep_months
        on
        costs.user_id = rep_months.user_id
        and costs.cost_month = rep_months.cost_month
        and rep_months.membership_rank = 1
    group by 1, 2, 3, 4
)

select * from final
