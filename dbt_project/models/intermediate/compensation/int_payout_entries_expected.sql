-- A table: many models and tests read it, and each would compute a view of it again.
{{ config(materialized='table') }}
-- Every payout ledger entry as the data stands today, each with a stable entry_key naming its
-- source. fct_payout_ledger appends what is new and adjustments for what changed.
--   earned     each commission line, in the month of its credit date;
--   held       on-cash plans: the same amount held back, in the same month;
--   released   on-cash plans: per payment on the deal's invoices, the line × cash received so far
--              ÷ invoiced (cumulative, rounded, so releases add up to the line exactly when paid
--              in full); cash received after the rep's termination date releases nothing;
--   spiff      each SPIFF award, in the month of its credit date;
--   override   a manager's override on a credited booking of their team (int_override_awards);
--   adjustment an approved manual adjustment (plans/manual_adjustments.csv), with its reason;
--   clawback   a credit note whose reason the plan lists, dated within its clawback window of
--              the close (inclusive): −line × credited ÷ invoiced, at the line's own rate and FX
--              rate, in the credit note's month; on-cash plans claw back only what cash had
--              released (the unpaid part simply stays held). Other deals are not re-tiered.
with

lines as (
    select * from {{ ref('fct_commission_lines') }}
    where commission_amount <> 0
),

plans as (
    select * from {{ ref('int_comp_plans_current') }}
),

spiff_awards as (
    select * from {{ ref('int_spiff_awards') }}
),

override_awards as (
    select * from {{ ref('int_override_awards') }}
),

manual_adjustments as (
    select * from {{ ref('stg_plans__manual_adjustments') }}
),

invoices as (
    select * from {{ ref('stg_finance__invoices') }}
),

payments as (
    select * from {{ ref('stg_finance__payments') }}
),

credit_notes as (
    select * from {{ ref('stg_finance__credit_notes') }}
),

users as (
    select * from {{ ref('int_crm_users') }}
),

lines_with_plan as (
    select
        lines.*,
        plans.payout_timing,
        plans.clawback_window_days,
        ',' || coalesce(plans.clawback_triggers, '') || ',' as clawback_triggers_list
    from lines
    inner join plans
        on lines.plan_id = plans.plan_id
),

invoiced as (
    select
        opportunity_id,
        sum(total_amount) as invoiced_amount
    from invoices
    where opportunity_id is not null
    group by opportunity_id
),

deal_payments as (
    select
        invoices.opportunity_id,
        invoices.invoice_id,
        payments.payment_id,
        payments.payment_date,
        payments.amount,
        sum(payments.amount) over (
            partition by invoices.opportunity_id
            order by payments.payment_date, payments.payment_id
            rows between unbounded preceding and current row
        ) as paid_to_date
    from payments
    inner join invoices
        on payments.invoice_id = invoices.invoice_id
    where invoices.opportunity_id is not null
),

releases as (
    select
        lines_with_plan.*,
        deal_payments.invoice_id,
        deal_payments.payment_id,
        deal_payments.payment_date,
        {{ round_money('lines_with_plan.commission_amount * least(1, ' ~ divide('deal_payments.paid_to_date', 'invoiced.invoiced_amount', 12) ~ ')') }}
        - coalesce({{ round_money('lines_with_plan.commission_amount * least(1, ' ~ divide('deal_payments.paid_to_date - deal_payments.amount', 'invoiced.invoiced_amount', 12) ~ ')') }}, 0) as released_amount
    from lines_with_plan
    inner join invoiced
        on lines_with_plan.opportunity_id = invoiced.opportunity_id
    inner join deal_payments
        on lines_with_plan.opportunity_id = deal_payments.opportunity_id
    left join users
        on lines_with_plan.user_id = users.user_id
    where lines_with_plan.payout_timing = 'on_cash'
        and (users.termination_date is null or deal_payments.payment_date <= users.termination_date)
),

clawbacks as (
    select
        lines_with_plan.*,
        credit_notes.credit_note_id,
        credit_notes.invoice_id,
        credit_notes.credit_date as credit_note_date,
        case
            when lines_with_plan.payout_timing = 'on_cash'
                then least(credit_notes.amount, coalesce((
                        select max(paid.paid_to_date) from deal_payments as paid
                        where paid.opportunity_id = lines_with_plan.opportunity_id
                            and paid.payment_date <= credit_notes.credit_date
                    ), 0))
            else credit_notes.amount
        end as clawed_back_base,
        invoiced.invoiced_amount
    from lines_with_plan
    inner join invoices
        on lines_with_plan.opportunity_id = invoices.opportunity_id
    inner join credit_notes
        on invoices.invoice_id = credit_notes.invoice_id
    inner join invoiced
        on lines_with_plan.opportunity_id = invoiced.opportunity_id
    where lines_with_plan.clawback_window_days is not null
        and lines_with_plan.clawback_triggers_list like '%,' || credit_notes.credit_reason || ',%'
        and {{ dbt.datediff('lines_with_plan.credit_date', 'credit_notes.credit_date', 'day') }}
        between 0 and lines_with_plan.clawback_window_days
),

entries as (
    select
        {{ ledger_entry(
            entry_key="'earned|' || commission_line_id",
            entry_type="'earned'",
            user_id="user_id",
            ledger_month="commission_month",
            currency_code="plan_currency_code",
            amount="commission_amount",
            opportunity_id="opportunity_id",
            credit_id="credit_id",
            commission_line_id="commission_line_id",
            plan_id="plan_id",
            plan_version="plan_version",
            accelerator_uplift_amount="accelerator_uplift_amount"
        ) }}
    from lines_with_plan
    union all
    select
        {{ ledger_entry(
            entry_key="'held|' || commission_line_id",
            entry_type="'held'",
            user_id="user_id",
            ledger_month="commission_month",
            currency_code="plan_currency_code",
            amount="-1 * commission_amount",
            opportunity_id="opportunity_id",
            credit_id="credit_id",
            commission_line_id="commission_line_id",
            plan_id="plan_id",
            plan_version="plan_version"
        ) }}
    from lines_with_plan
    where payout_timing = 'on_cash'
    union all
    select
        {{ ledger_entry(
            entry_key="'released|' || commission_line_id || '|' || payment_id",
            entry_type="'released'",
            user_id="user_id",
            ledger_month='cast(' ~ dbt.date_trunc('month', 'payment_date') ~ ' as date)',
            currency_code="plan_currency_code",
            amount="released_amount",
            opportunity_id="opportunity_id",
            credit_id="credit_id",
            commission_line_id="commission_line_id",
            invoice_id="invoice_id",
            payment_id="payment_id",
            plan_id="plan_id",
            plan_version="plan_version"
        ) }}
    from releases
    where released_amount <> 0
    union all
    select
        {{ ledger_entry(
            entry_key="'spiff|' || spiff_award_id",
            entry_type="'spiff'",
            user_id="user_id",
            ledger_month='cast(' ~ dbt.date_trunc('month', 'credit_date') ~ ' as date)',
            currency_code="plan_currency_code",
            amount="spiff_award_amount",
            opportunity_id="opportunity_id",
            credit_id="credit_id",
            spiff_award_id="spiff_award_id",
            plan_id="plan_id",
            plan_version="plan_version",
            entry_note="spiff_name"
        ) }}
    from spiff_awards
    where spiff_award_amount <> 0
    union all
    select
        {{ ledger_entry(
            entry_key="'override|' || override_award_id",
            entry_type="'override'",
            user_id="manager_id",
            ledger_month='cast(' ~ dbt.date_trunc('month', 'credit_date') ~ ' as date)',
            currency_code="plan_currency_code",
            amount="override_amount",
            opportunity_id="opportunity_id",
            credit_id="credit_id",
            plan_id="plan_id",
            plan_version="plan_version",
            entry_note="'override on ' || credited_user_id || ' (team ' || team_id || ')'"
        ) }}
    from override_awards
    where override_amount <> 0
    union all
    select
        {{ ledger_entry(
            entry_key="'manual|' || adjustment_id",
            entry_type="'adjustment'",
            user_id="user_id",
            ledger_month='cast(' ~ dbt.date_trunc('month', 'statement_month') ~ ' as date)',
            currency_code="currency_code",
            amount="amount",
            entry_note="reason || ' (approved by ' || approved_by || ')'"
        ) }}
    from manual_adjustments
    union all
    select
        {{ ledger_entry(
            entry_key="'clawback|' || commission_line_id || '|' || credit_note_id",
            entry_type="'clawback'",
            user_id="user_id",
            ledger_month='cast(' ~ dbt.date_trunc('month', 'credit_note_date') ~ ' as date)',
            currency_code="plan_currency_code",
            amount='-1 * ' ~ round_money('commission_amount * ' ~ divide('clawed_back_base', 'invoiced_amount', 12)),
            opportunity_id="opportunity_id",
            credit_id="credit_id",
            commission_line_id="commission_line_id",
            invoice_id="invoice_id",
            credit_note_id="credit_note_id",
            plan_id="plan_id",
            plan_version="plan_version"
        ) }}
    from clawbacks
    where clawed_back_base > 0
)

select * from entries
