{{ config(meta={'dagster': {'ref': {'name': 'fct_acquisition_cost'}}}) }}  -- shown in Dagster as a check on fct_acquisition_cost
-- CAC's costs reconcile with their sources: each month's company row holds the cost files'
-- marketing spend and other costs and the payout ledger's commission expense, converted at the
-- month's first-day rate; each quarter's company row is its months' sum; and where a month has new
-- customers, its regions' (and its segments') shares of the shared costs add up to the company's,
-- to the cent per breakdown row.
with

fx_rates as (
    select * from {{ ref('int_fx_rates_ranged') }}
),

acquisition_cost as (
    select * from {{ ref('fct_acquisition_cost') }}
),

source_costs as (
    select
        spend_month as cost_month,
        'marketing' as kind,
        currency_code,
        amount
    from {{ ref('stg_finance__marketing_spend') }}
    union all
    select
        cost_month,
        'other' as kind,
        currency_code,
        amount
    from {{ ref('stg_finance__sales_marketing_costs') }}
    union all
    select
        ledger_month,
        'commissions' as kind,
        currency_code,
        amount
    from {{ ref('fct_payout_ledger') }}
    where coalesce(adjusted_entry_type, entry_type) in {{ commission_expense_entry_types() }}
),

expected_months as (
    select
        source_costs.cost_month,
        round(sum(case when source_costs.kind = 'marketing' then source_costs.amount * fx_rates.rate_to_reporting else 0 end), 2) as marketing,
        round(sum(case when source_costs.kind = 'other' then source_costs.amount * fx_rates.rate_to_reporting else 0 end), 2) as other,
        round(sum(case when source_costs.kind = 'commissions' then source_costs.amount * fx_rates.rate_to_reporting else 0 end), 2) as commissions
    from source_costs
    inner join fx_rates
        on
        source_costs.currency_code = fx_rates.currency_code
        and source_costs.cost_month >= fx_rates.valid_from
        and (fx_rates.valid_to is null or source_costs.cost_month < fx_rates.valid_to)
    group by source_costs.cost_month
),

company_months as (
    select * from acquisition_cost
    where period_grain = 'month' and breakdown_level = 'company'
),

month_mismatches as (
    select
        'month' as failure,
        expected_months.cost_month as period_start,
        null as breakdown_level
    from expected_months
    left join company_months on expected_months.cost_month = company_months.period_start
    where
        -- Costs of a month the calendar has not reached (booked ahead) are not measured yet.
        expected_months.cost_month <= {{ as_of_date() }}
        and (
            company_months.period_start is null
            or abs(company_months.marketing_spend_reporting - expected_months.marketing) > 0.01 * 3
            or abs(company_months.other_sales_marketing_cost_reporting - expected_months.other) > 0.01 * 3
            or abs(company_months.commission_cost_reporting - expected_months.commissions) > 0.01 * 3
        )
),

quarter_mismatches as (
    select
        'quarter' as failure,
        quarters.period_start,
        null as breakdown_level
    from acquisition_cost as quarters
    inner join company_months
        on company_months.period_start between quarters.period_start and quarters.period_end
    where quarters.period_grain = 'quarter' and quarters.breakdown_level = 'company'
    group by quarters.period_start, quarters.total_cost_reporting, quarters.new_customers
    having
        abs(quarters.total_cost_reporting - sum(company_months.total_cost_reporting)) > 0.01 * 3
        or quarters.new_customers != sum(company_months.new_customers)
),

share_mismatches as (
    select
        'shares' as failure,
        parts.period_start,
        parts.breakdown_level
    from acquisition_cost as parts
    inner join acquisition_cost as company
        on
        parts.period_grain = company.period_grain
        and parts.period_start = company.period_start
        and company.breakdown_level = 'company'
    where parts.breakdown_level != 'company' and company.new_customers > 0
    group by
        parts.period_grain, parts.period_start, parts.breakdown_level,
        company.marketing_spend_reporting, company.new_customers
    having
        abs(sum(parts.marketing_spend_reporting) - company.marketing_spend_reporting) > 0.01 * count(*)
        or sum(parts.new_customers) != company.new_customers
)

select * from month_mismatches
union all
select * from quarter_mismatches
union all
select * from share_mismatches
