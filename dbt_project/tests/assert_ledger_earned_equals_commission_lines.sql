{{ config(meta={'dagster': {'ref': {'name': 'fct_payout_ledger'}}}) }}  -- shown in Dagster as a check on fct_payout_ledger
-- Every rep's earned commission in the ledger (earned entries and every adjustment of them)
-- equals the sum of their commission lines, to the cent; and for each open month, the month's
-- earned entries equal the month's lines.
with

lines as (
    select
        user_id,
        commission_month as month_start,
        commission_amount
    from {{ ref('fct_commission_lines') }}
),

earned as (
    select
        user_id,
        coalesce(adjusts_month, ledger_month) as month_start,
        ledger_month,
        amount
    from {{ ref('fct_payout_ledger') }}
    where entry_type = 'earned' or adjusted_entry_type = 'earned'
),

month_status as (
    -- one row, even before any month was closed
    select coalesce(max(last_closed_month), cast('1900-01-01' as date)) as last_closed_month
    from {{ ref('int_comp_month_status') }}
),

lines_per_rep as (
    select
        user_id,
        sum(commission_amount) as amount
    from lines
    group by user_id
),

earned_per_rep as (
    select
        user_id,
        sum(amount) as amount
    from earned
    group by user_id
),

lines_per_open_month as (
    select
        lines.user_id,
        lines.month_start,
        sum(lines.commission_amount) as amount
    from lines
    cross join month_status
    where lines.month_start > month_status.last_closed_month
    group by lines.user_id, lines.month_start
),

earned_per_open_month as (
    select
        earned.user_id,
        earned.month_start,
        sum(earned.amount) as amount
    from earned
    cross join month_status
    where earned.month_start > month_status.last_closed_month
    group by earned.user_id, earned.month_start
),

per_rep as (
    select
        coalesce(lines_per_rep.user_id, earned_per_rep.user_id) as user_id,
        'all months' as scope,
        lines_per_rep.amount as lines_amount,
        earned_per_rep.amount as ledger_amount
    from lines_per_rep
    full outer join earned_per_rep
        on lines_per_rep.user_id = earned_per_rep.user_id
),

per_open_month as (
    select
        coalesce(lines_per_open_month.user_id, earned_per_open_month.user_id) as user_id,
        'open month' as scope,
        lines_per_open_month.amount as lines_amount,
        earned_per_open_month.amount as ledger_amount
    from lines_per_open_month
    full outer join earned_per_open_month
        on lines_per_open_month.user_id = earned_per_open_month.user_id
        and lines_per_open_month.month_start = earned_per_open_month.month_start
),

mismatches as (
    select * from per_rep
    where coalesce(lines_amount, 0) <> coalesce(ledger_amount, 0)
    union all
    select * from per_open_month
    where coalesce(lines_amount, 0) <> coalesce(ledger_amount, 0)
)

select * from mismatches
