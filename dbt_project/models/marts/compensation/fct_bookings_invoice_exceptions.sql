-- Bookings-vs-invoices differences as business exceptions, not outages: one row per won deal
-- (or, for an account invoiced with no won deal, one row without a deal) of every account whose
-- bookings and invoices do not tie out within the tolerance (int_bookings_invoice_reconciliation).
-- Finance works them; closing a month whose commission lines touch one needs an explicit,
-- logged acknowledgement (`close-month --accept-exceptions`).
with

reconciliation as (
    select * from {{ ref('int_bookings_invoice_reconciliation') }}
    where is_outside_tolerance
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

invoices as (
    select * from {{ ref('stg_finance__invoices') }}
),

won_deals as (
    select
        account_id,
        currency_code,
        opportunity_id,
        close_date,
        amount
    from opportunities
    where is_won
),

deal_invoices as (
    select
        opportunity_id,
        currency_code,
        sum(total_amount) as invoiced_amount
    from invoices
    where opportunity_id is not null
    group by 1, 2
),

exception_deals as (
    select
        reconciliation.account_id,
        reconciliation.currency_code,
        won_deals.opportunity_id,
        won_deals.close_date,
        cast(won_deals.amount as decimal(18, 2)) as deal_amount,
        cast(coalesce(deal_invoices.invoiced_amount, 0) as decimal(18, 2)) as deal_invoiced_amount,
        reconciliation.booked_billable_amount,
        reconciliation.invoiced_amount,
        reconciliation.difference_amount
    from reconciliation
    left join won_deals
        on reconciliation.account_id = won_deals.account_id
        and reconciliation.currency_code = won_deals.currency_code
    left join deal_invoices
        on won_deals.opportunity_id = deal_invoices.opportunity_id
        and won_deals.currency_code = deal_invoices.currency_code
),

final as (
    select
        {{ dbt.hash(
            "account_id || '|' || currency_code || '|' || coalesce(opportunity_id, '-')"
        ) }} as exception_id,
        account_id,
        currency_code,
        opportunity_id,
        close_date,
        deal_amount,
        deal_invoiced_amount,
        booked_billable_amount as account_booked_billable_amount,
        invoiced_amount as account_invoiced_amount,
        difference_amount as account_difference_amount,
        case
            when booked_billable_amount = 0
                then 'invoiced with no closed-won deal by the cut-off: a deal lost, reopened or closed later in the CRM'
            when invoiced_amount = 0
                then 'not invoiced: won deals with no invoice by the cut-off'
            when opportunity_id is not null and deal_invoiced_amount = 0
                then 'this deal has no invoice that names it'
            when difference_amount < 0
                then 'under-invoiced: partial billing, a discount, or the amount raised in the CRM after invoicing'
            else 'over-invoiced: the amount lowered in the CRM after invoicing, or a duplicate invoice'
        end as likely_reason
    from exception_deals
)

select * from final
