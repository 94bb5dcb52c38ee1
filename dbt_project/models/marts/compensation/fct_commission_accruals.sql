-- Commission accruals for finance, per rep × month × plan currency from the rep's first
-- commission month to the as-of month:
--   accrued liability: commission earned but not yet paid - on-cash commission held until cash
--   arrives (held entries less releases), running total;
--   capitalised commissions (ASC 340-40, plans with a benefit period): opening + capitalised −
--   amortised − written off = closing, month by month.
with

ledger as (
    select * from {{ ref('fct_payout_ledger') }}
),

schedule as (
    select * from {{ ref('int_capitalized_commission_schedule') }}
),

periods as (
    select * from {{ ref('int_calendar_periods') }}
    where period_grain = 'month'
),

held_changes as (
    select
        user_id,
        currency_code,
        ledger_month as accrual_month,
        -1 * sum(amount) as liability_change
    from ledger
    where entry_type in ('held', 'released')
        or adjusted_entry_type in ('held', 'released')
    group by user_id, currency_code, ledger_month
),

capitalized_changes as (
    select
        user_id,
        currency_code,
        schedule_month as accrual_month,
        sum(capitalized_amount) as capitalized_amount,
        sum(amortized_amount) as amortized_amount,
        sum(written_off_amount) as written_off_amount
    from schedule
    group by user_id, currency_code, schedule_month
),

rep_starts as (
    select
        user_id,
        currency_code,
        min(accrual_month) as first_month
    from (
        select
            user_id,
            currency_code,
            accrual_month
        from held_changes
        union all
        select
            user_id,
            currency_code,
            accrual_month
        from capitalized_changes
    ) as activity
    group by user_id, currency_code
),

rep_months as (
    select
        rep_starts.user_id,
        rep_starts.currency_code,
        periods.period_start as accrual_month
    from rep_starts
    inner join periods
        on rep_starts.first_month <= periods.period_start
),

changes as (
    select
        rep_months.user_id,
        rep_months.currency_code,
        rep_months.accrual_month,
        coalesce(held_changes.liability_change, 0) as liability_change,
        coalesce(capitalized_changes.capitalized_amount, 0) as capitalized_amount,
        coalesce(capitalized_changes.amortized_amount, 0) as amortized_amount,
        coalesce(capitalized_changes.written_off_amount, 0) as written_off_amount
    from rep_months
    left join held_changes
        on rep_months.user_id = held_changes.user_id
        and rep_months.currency_code = held_changes.currency_code
        and rep_months.accrual_month = held_changes.accrual_month
    left join capitalized_changes
        on rep_months.user_id = capitalized_changes.user_id
        and rep_months.currency_code = capitalized_changes.currency_code
        and rep_months.accrual_month = capitalized_changes.accrual_month
),

running as (
    select
        changes.*,
        sum(changes.liability_change) over (
            partition by changes.user_id, changes.currency_code order by changes.accrual_month
            rows between unbounded preceding and current row
        ) as accrued_liability_amount,
        sum(changes.capitalized_amount - changes.amortized_amount - changes.written_off_amount) over (
            partition by changes.user_id, changes.currency_code order by changes.accrual_month
            rows between unbounded preceding and current row
        ) as capitalized_closing_amount
    from changes
),

final as (
    select
        {{ dbt.hash("user_id || '|' || currency_code || '|' || cast(accrual_month as " ~ dbt.type_string() ~ ")") }} as accrual_id,
        user_id,
        currency_code,
        accrual_month,
        cast(liability_change as decimal(18, 2)) as accrued_liability_change_amount,
        cast(accrued_liability_amount as decimal(18, 2)) as accrued_liability_amount,
        cast(capitalized_closing_amount - capitalized_amount + amortized_amount + written_off_amount as decimal(18, 2)) as capitalized_opening_amount,
        cast(capitalized_amount as decimal(18, 2)) as capitalized_amount,
        cast(amortized_amount as decimal(18, 2)) as amortized_amount,
        cast(written_off_amount as decimal(18, 2)) as written_off_amount,
        cast(capitalized_closing_amount as decimal(18, 2)) as capitalized_closing_amount
    from running
)

select * from final
