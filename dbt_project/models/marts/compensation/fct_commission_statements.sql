-- Commission statements: one row per rep × month × plan currency with ledger entries, computed
-- from the payout ledger alone, so any past statement can be reproduced from it and a closed
-- month's statement never changes (changes to it land in the first open month).
--   earned = the month's earned entries (= its commission lines while the month is open);
--   a correction booked in its own month counts under what it corrects; corrections of a
--   closed month arrive as adjustments in the first open month (adjustment_amount);
--   net payout = the sum of the month's ledger entries = earned + held + released + spiff +
--   override + draw + draw_recovery + clawback + adjustment. The draw balance is what the rep
--   still owes back on recoverable draws at the end of the month.
--   payout = max(0, net payout + shortfall carried in): never negative; a shortfall (a month
--   netting below zero, e.g. after a clawback) carries to later months until positive entries
--   absorb it. Each month depends on the last, hence the recursion. Quarter- and year-to-date
--   follow the fiscal calendar.
with recursive

ledger as (
    select * from {{ ref('fct_payout_ledger') }}
),

users as (
    select * from {{ ref('int_crm_users') }}
),

classified as (
    select
        ledger.*,
        case
            when ledger.entry_type = 'adjustment' and ledger.adjusted_entry_type is not null and ledger.adjusts_month = ledger.ledger_month
                then ledger.adjusted_entry_type
            else ledger.entry_type
        end as statement_entry_type
    from ledger
),

ledger_totals as (
    select
        user_id,
        ledger_month as statement_month,
        currency_code,
        count(distinct case when statement_entry_type = 'earned' then commission_line_id end) as commission_line_count,
        sum(case when statement_entry_type = 'earned' then amount else 0 end) as earned_amount,
        sum(case when statement_entry_type = 'earned' then accelerator_uplift_amount else 0 end) as accelerator_uplift_amount,
        sum(case when statement_entry_type = 'held' then amount else 0 end) as held_amount,
        sum(case when statement_entry_type = 'released' then amount else 0 end) as released_amount,
        sum(case when statement_entry_type = 'spiff' then amount else 0 end) as spiff_amount,
        sum(case when statement_entry_type = 'override' then amount else 0 end) as override_amount,
        sum(case when statement_entry_type = 'draw' then amount else 0 end) as draw_amount,
        sum(case when statement_entry_type = 'draw_recovery' then amount else 0 end) as draw_recovery_amount,
        sum(case when entry_type = 'draw' and entry_note = 'recoverable draw' then amount else 0 end)
        + sum(case when statement_entry_type = 'draw_recovery' then amount else 0 end) as draw_balance_change,
        sum(case when statement_entry_type = 'clawback' then amount else 0 end) as clawback_amount,
        sum(case when statement_entry_type = 'adjustment' then amount else 0 end) as adjustment_amount,
        sum(amount) as net_payout_amount
    from classified
    group by user_id, ledger_month, currency_code
),

combined as (
    select
        ledger_totals.*,
        row_number() over (
            partition by ledger_totals.user_id, ledger_totals.currency_code order by ledger_totals.statement_month
        ) as month_number,
        {{ period_start('quarter', 'ledger_totals.statement_month') }} as quarter_start,
        {{ period_start('year', 'ledger_totals.statement_month') }} as year_start
    from ledger_totals
),

shortfalls as (
    select
        user_id,
        currency_code,
        month_number,
        cast(0 as decimal(18, 2)) as shortfall_carried_in,
        cast(greatest(net_payout_amount, 0) as decimal(18, 2)) as payout_amount,
        cast(least(net_payout_amount, 0) as decimal(18, 2)) as shortfall_carried_out
    from combined
    where month_number = 1
    union all
    select
        combined.user_id,
        combined.currency_code,
        combined.month_number,
        shortfalls.shortfall_carried_out as shortfall_carried_in,
        cast(
            greatest(combined.net_payout_amount + shortfalls.shortfall_carried_out, 0) as decimal(18, 2)
        ) as payout_amount,
        cast(
            least(combined.net_payout_amount + shortfalls.shortfall_carried_out, 0) as decimal(18, 2)
        ) as shortfall_carried_out
    from shortfalls
    inner join combined
        on shortfalls.user_id = combined.user_id
        and shortfalls.currency_code = combined.currency_code
        and combined.month_number = shortfalls.month_number + 1
),

final as (
    select
        {{ dbt.hash("combined.user_id || '|' || cast(combined.statement_month as " ~ dbt.type_string() ~ ") || '|' || combined.currency_code") }} as statement_id,
        combined.user_id,
        users.user_name as rep_name,
        combined.statement_month,
        combined.currency_code,
        cast(combined.commission_line_count as integer) as commission_line_count,
        cast(combined.earned_amount as decimal(18, 2)) as earned_amount,
        cast(combined.accelerator_uplift_amount as decimal(18, 2)) as accelerator_uplift_amount,
        cast(combined.held_amount as decimal(18, 2)) as held_amount,
        cast(combined.released_amount as decimal(18, 2)) as released_amount,
        cast(combined.spiff_amount as decimal(18, 2)) as spiff_amount,
        cast(combined.override_amount as decimal(18, 2)) as override_amount,
        cast(combined.draw_amount as decimal(18, 2)) as draw_amount,
        cast(combined.draw_recovery_amount as decimal(18, 2)) as draw_recovery_amount,
        cast(sum(combined.draw_balance_change) over (
            partition by combined.user_id, combined.currency_code
            order by combined.statement_month rows between unbounded preceding and current row
        ) as decimal(18, 2)) as draw_balance_amount,
        cast(combined.clawback_amount as decimal(18, 2)) as clawback_amount,
        cast(combined.adjustment_amount as decimal(18, 2)) as adjustment_amount,
        cast(combined.net_payout_amount as decimal(18, 2)) as net_payout_amount,
        shortfalls.shortfall_carried_in as shortfall_carried_in_amount,
        shortfalls.payout_amount,
        shortfalls.shortfall_carried_out as shortfall_carried_out_amount,
        cast(sum(combined.earned_amount) over (
            partition by combined.user_id, combined.currency_code, combined.quarter_start
            order by combined.statement_month rows between unbounded preceding and current row
        ) as decimal(18, 2)) as earned_qtd_amount,
        cast(sum(combined.net_payout_amount) over (
            partition by combined.user_id, combined.currency_code, combined.quarter_start
            order by combined.statement_month rows between unbounded preceding and current row
        ) as decimal(18, 2)) as net_payout_qtd_amount,
        cast(sum(combined.earned_amount) over (
            partition by combined.user_id, combined.currency_code, combined.year_start
            order by combined.statement_month rows between unbounded preceding and current row
        ) as decimal(18, 2)) as earned_ytd_amount,
        cast(sum(combined.net_payout_amount) over (
            partition by combined.user_id, combined.currency_code, combined.year_start
            order by combined.statement_month rows between unbounded preceding and current row
        ) as decimal(18, 2)) as net_payout_ytd_amount
    from combined
    inner join shortfalls
        on combined.user_id = shortfalls.user_id
        and combined.currency_code = shortfalls.currency_code
        and combined.month_number = shortfalls.month_number
    left join users
        on combined.user_id = users.user_id
)

select * from final
