{{ config(meta={'dagster': {'ref': {'name': 'fct_commission_statements'}}}) }}  -- shown in Dagster as a check on fct_commission_statements
-- Each statement's net payout is the sum of that month's ledger entries, and each month with
-- ledger entries has a statement.
with

statements as (
    select * from {{ ref('fct_commission_statements') }}
),

ledger_months as (
    select
        user_id,
        ledger_month,
        currency_code,
        sum(amount) as ledger_amount
    from {{ ref('fct_payout_ledger') }}
    group by user_id, ledger_month, currency_code
)

select
    coalesce(ledger_months.user_id, statements.user_id) as user_id,
    coalesce(ledger_months.ledger_month, statements.statement_month) as ledger_month,
    coalesce(ledger_months.currency_code, statements.currency_code) as currency_code,
    ledger_months.ledger_amount,
    statements.statement_id,
    statements.net_payout_amount
from ledger_months
full outer join statements
    on ledger_months.user_id = statements.user_id
    and ledger_months.ledger_month = statements.statement_month
    and ledger_months.currency_code = statements.currency_code
where coalesce(ledger_months.ledger_amount, 0) <> coalesce(statements.net_payout_amount, 0)
