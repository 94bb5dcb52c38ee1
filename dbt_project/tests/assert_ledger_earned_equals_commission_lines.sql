{{ config(meta={'dagster': {'ref': {'name': 'fct_payout_ledger'}}}) }}  -- shown in Dagster as a check on fct_payout_ledger
-- Every rep's earned commission in the ledger (earned entries and every adjustment of them)
-- equals the sum of their commission lines, to the cent; and for each open month, the month's
-- earned entries equal the month's lines.
with

lines as (
    select user_id, commission_month as month_start, commission_amount
    from {{ ref('fct_commission_lines') }}
),

earned as (
    select user_id, coalesce(adjusts_month, ledger_month) as month_start, ledger_month, amount
    from {{ ref('fct_payout_ledger') }}
    where entry_type = 'earned' or adjusted_entry_type = 'earned'
),

month_status as (
    select * from {{ ref('int_comp_month_status') }}
),

per_rep as (
    select coalesce(l.user_id, e.user_id) as user_id, 'all months' as scope, l.amount as lines_amount, e.amount as ledger_amount
    from (select user_id, sum(commission_amount) as amount from lines group by user_id) as l
    full outer join (select user_id, sum(amount) as amount from earned group by user_id) as e
        on l.user_id = e.user_id
),

per_open_month as (
    select coalesce(l.user_id, e.user_id) as user_id, 'open month' as scope, l.amount as lines_amount, e.amount as ledger_amount
    from (
        select user_id, month_start, sum(commission_amount) as amount from lines
        where month_start > coalesce((select last_closed_month from month_status), cast('1900-01-01' as date))
        group by user_id, month_start
    ) as l
    full outer join (
        select user_id, month_start, sum(amount) as amount from earned
        where month_start > coalesce((select last_closed_month from month_status), cast('1900-01-01' as date))
        group by user_id, month_start
    ) as e
        on l.user_id = e.user_id and l.month_start = e.month_start
)

select * from per_rep where coalesce(lines_amount, 0) <> coalesce(ledger_amount, 0)
union all
select * from per_open_month where coalesce(lines_amount, 0) <> coalesce(ledger_amount, 0)
