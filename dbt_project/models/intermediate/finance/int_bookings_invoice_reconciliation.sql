-- Closed-won bookings against what finance invoiced, per account and currency.
-- Billing rule (documented in the model's yml): a deal of N contract years is invoiced in N equal
-- annual instalments, each at the start of its contract year. What should be invoiced by the cut
-- is the share of the amount whose contract years have started, counting only years that started
-- at least `invoice_grace_days` before the as-of date (an invoice takes a few days to be raised);
-- invoices count by the same cut-off on their billing period start.
with

won_deals as (
    select
        account_id,
        currency_code,
        amount,
        close_date,
        greatest(1, cast(floor(coalesce(term_months, 12) / 12.0) as integer)) as contract_years
    from {{ ref('fct_opportunities') }}
    where is_won
),

cutoff as (
    select {{ dbt.dateadd('day', -var('invoice_grace_days'), as_of_date()) }} as cutoff_date
),

deal_years as (
    select
        won_deals.*,
        floor({{ dbt.datediff('won_deals.close_date', 'cutoff.cutoff_date', 'month') }} / 12.0) as whole_years
    from won_deals
    cross join cutoff
    where won_deals.close_date <= cutoff.cutoff_date
),

deals_billable as (
    -- Contract years started by the cut-off: each anniversary on or before it (month-boundary
    -- datediff can count a year whose anniversary is still days away).
    select
        deal_years.account_id,
        deal_years.currency_code,
        deal_years.amount,
        deal_years.contract_years,
        least(
            deal_years.contract_years,
            deal_years.whole_years + case
                when {{ dbt.dateadd('month', '12 * deal_years.whole_years', 'deal_years.close_date') }}
                    > cutoff.cutoff_date then 0
                else 1
            end
        ) as years_started
    from deal_years
    cross join cutoff
),

expected as (
    select
        account_id,
        currency_code,
        sum({{ round_money(divide('amount * years_started', 'contract_years')) }}) as booked_billable_amount
    from deals_billable
    group by 1, 2
),

invoiced as (
    select
        customers.account_id,
        invoices.currency_code,
        sum(invoices.total_amount) as invoiced_amount
    from {{ ref('stg_finance__invoices') }} as invoices
    inner join {{ ref('stg_finance__customers') }} as customers
        on invoices.customer_id = customers.customer_id
    cross join cutoff
    where coalesce(invoices.billing_period_start, invoices.invoice_date) <= cutoff.cutoff_date
    group by 1, 2
),

reconciled as (
    select
        coalesce(expected.account_id, invoiced.account_id) as account_id,
        coalesce(expected.currency_code, invoiced.currency_code) as currency_code,
        -- Money as decimal(18, 2) on every engine (sums widen the type differently).
        cast(coalesce(expected.booked_billable_amount, 0) as decimal(18, 2)) as booked_billable_amount,
        cast(coalesce(invoiced.invoiced_amount, 0) as decimal(18, 2)) as invoiced_amount
    from expected
    full outer join invoiced
        on expected.account_id = invoiced.account_id
        and expected.currency_code = invoiced.currency_code
)

select
    account_id,
    currency_code,
    booked_billable_amount,
    invoiced_amount,
    cast(invoiced_amount - booked_billable_amount as decimal(18, 2)) as difference_amount,
    abs(invoiced_amount - booked_billable_amount)
    > greatest(
        {{ var('reconciliation_tolerance_amount') }},
        {{ divide('booked_billable_amount * ' ~ var('reconciliation_tolerance_pct'), '100', 8) }}
    ) as is_outside_tolerance
from reconciled
