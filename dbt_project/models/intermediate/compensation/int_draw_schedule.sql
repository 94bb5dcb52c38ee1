-- Draws, month by month per rep whose plan in force sets one: payable = the month's payout
-- entries before draws (int_payout_entries_expected); draw paid = max(0, guarantee − payable);
-- a recoverable draw is owed back and recovered from payable above the guarantee in later
-- months, recovery = min(balance owed, max(0, payable − guarantee)). Each month depends on the
-- balance the month before, hence the recursion. From the first month the plan is assigned
-- to the as-of month.
with recursive

entries as (
    select * from {{ ref('int_payout_entries_expected') }}
),

periods as (
    select * from {{ ref('int_calendar_periods') }}
    where period_grain = 'month'
),

assignments as (
    select * from {{ ref('stg_plans__plan_assignments') }}
),

plans as (
    select * from {{ ref('int_comp_plans_current') }}
    where draw_monthly_guarantee is not null
),

payable as (
    select
        user_id,
        ledger_month,
        sum(amount) as payable_amount
    from entries
    group by user_id, ledger_month
),

-- Every month an assignment to a plan with a draw overlaps. A month two assignments share (a new
-- assignment from mid-month) is drawn under the later one, so each rep has one draw per month.
assigned_months as (
    select
        assignments.user_id,
        periods.period_start as draw_month,
        plans.plan_id,
        plans.plan_version,
        plans.currency_code,
        cast(plans.draw_monthly_guarantee as decimal(18, 2)) as guarantee_amount,
        plans.draw_recoverable,
        row_number() over (
            partition by assignments.user_id, periods.period_start
            order by assignments.effective_from desc
        ) as assignment_rank
    from assignments
    inner join plans
        on assignments.plan_id = plans.plan_id
    inner join periods
        on periods.period_start >= cast({{ dbt.date_trunc('month', 'assignments.effective_from') }} as date)
        and (assignments.effective_to is null or assignments.effective_to > periods.period_start)
),

draw_months as (
    select
        assigned_months.user_id,
        assigned_months.draw_month,
        assigned_months.plan_id,
        assigned_months.plan_version,
        assigned_months.currency_code,
        assigned_months.guarantee_amount,
        assigned_months.draw_recoverable,
        cast(coalesce(payable.payable_amount, 0) as decimal(18, 2)) as payable_amount,
        row_number() over (
            partition by assigned_months.user_id order by assigned_months.draw_month
        ) as month_number
    from assigned_months
    left join payable
        on assigned_months.user_id = payable.user_id
        and assigned_months.draw_month = payable.ledger_month
    where assigned_months.assignment_rank = 1
),

schedule as (
    select
        user_id,
        month_number,
        draw_month,
        plan_id,
        plan_version,
        currency_code,
        guarantee_amount,
        draw_recoverable,
        payable_amount,
        cast(greatest(guarantee_amount - payable_amount, 0) as decimal(18, 2)) as draw_amount,
        cast(0 as decimal(18, 2)) as recovered_amount,
        cast(
            case when draw_recoverable then greatest(guarantee_amount - payable_amount, 0) else 0 end
            as decimal(18, 2)
        ) as balance_amount
    from draw_months
    where month_number = 1
    union all
    select
        draw_months.user_id,
        draw_months.month_number,
        draw_months.draw_month,
        draw_months.plan_id,
        draw_months.plan_version,
        draw_months.currency_code,
        draw_months.guarantee_amount,
        draw_months.draw_recoverable,
        draw_months.payable_amount,
        cast(greatest(draw_months.guarantee_amount - draw_months.payable_amount, 0) as decimal(18, 2)) as draw_amount,
        cast(
            case when draw_months.draw_recoverable
                    then least(
                            schedule.balance_amount,
                            greatest(draw_months.payable_amount - draw_months.guarantee_amount, 0)
                        )
                else 0
            end
            as decimal(18, 2)
        ) as recovered_amount,
        cast(
            schedule.balance_amount
            + case when draw_months.draw_recoverable
                    then greatest(draw_months.guarantee_amount - draw_months.payable_amount, 0)
                        - least(
                            schedule.balance_amount,
                            greatest(draw_months.payable_amount - draw_months.guarantee_amount, 0)
                        )
                else 0
            end
            as decimal(18, 2)
        ) as balance_amount
    from schedule
    inner join draw_months
        on schedule.user_id = draw_months.user_id
        and draw_months.month_number = schedule.month_number + 1
)

select * from schedule
