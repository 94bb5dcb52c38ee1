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
        'earned|' || commission_line_id as entry_key,
        'earned' as entry_type,
        user_id,
        commission_month as ledger_month,
        plan_currency_code as currency_code,
        commission_amount as amount,
        opportunity_id,
        credit_id,
        commission_line_id,
        cast(null as {{ dbt.type_string() }}) as invoice_id,
        cast(null as {{ dbt.type_string() }}) as payment_id,
        cast(null as {{ dbt.type_string() }}) as credit_note_id,
        cast(null as {{ dbt.type_string() }}) as spiff_award_id,
        plan_id,
        plan_version,
        accelerator_uplift_amount,
        cast(null as {{ dbt.type_string() }}) as entry_note
    from lines_with_plan
    union all
    select
        'held|' || commission_line_id,
        'held',
        user_id,
        commission_month,
        plan_currency_code,
        -1 * commission_amount,
        opportunity_id,
        credit_id,
        commission_line_id,
        null,
        null,
        null,
        null,
        plan_id,
        plan_version,
        0,
        null
    from lines_with_plan
    where payout_timing = 'on_cash'
    union all
    select
        'released|' || commission_line_id || '|' || payment_id,
        'released',
        user_id,
        cast({{ dbt.date_trunc('month', 'payment_date') }} as date),
        plan_currency_code,
        released_amount,
        opportunity_id,
        credit_id,
        commission_line_id,
        invoice_id,
        payment_id,
        null,
        null,
        plan_id,
        plan_version,
        0,
        null
    from releases
    where released_amount <> 0
    union all
    select
        'spiff|' || spiff_award_id,
        'spiff',
        user_id,
        cast({{ dbt.date_trunc('month', 'credit_date') }} as date),
        plan_currency_code,
        spiff_award_amount,
        opportunity_id,
        credit_id,
        null,
        null,
        null,
        null,
        spiff_award_id,
        plan_id,
        plan_version,
        0,
        spiff_name
    from spiff_awards
    where spiff_award_amount <> 0
    union all
    select
        'override|' || override_award_id,
        'override',
        manager_id,
        cast({{ dbt.date_trunc('month', 'credit_date') }} as date),
        plan_currency_code,
        override_amount,
        opportunity_id,
        credit_id,
        null,
        null,
        null,
        null,
        null,
        plan_id,
        plan_version,
        0,
        'override on ' || credited_user_id || ' (team ' || team_id || ')'
    from override_awards
    where override_amount <> 0
    union all
    select
        'manual|' || adjustment_id,
        'adjustment',
        user_id,
        cast({{ dbt.date_trunc('month', 'statement_month') }} as date),
        currency_code,
        amount,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        0,
        reason || ' (approved by ' || approved_by || ')'
    from manual_adjustments
    union all
    select
        'clawback|' || commission_line_id || '|' || credit_note_id,
        'clawback',
        user_id,
        cast({{ dbt.date_trunc('month', 'credit_note_date') }} as date),
        plan_currency_code,
        -1 * {{ round_money('commission_amount * ' ~ divide('clawed_back_base', 'invoiced_amount', 12)) }},
        opportunity_id,
        credit_id,
        commission_line_id,
        invoice_id,
        null,
        credit_note_id,
        null,
        plan_id,
        plan_version,
        0,
        null
    from clawbacks
    where clawed_back_base > 0
),

final as (
    select
        entry_key,
        entry_type,
        user_id,
        ledger_month,
        currency_code,
        cast(amount as decimal(18, 2)) as amount,
        opportunity_id,
        credit_id,
        commission_line_id,
        invoice_id,
        payment_id,
        credit_note_id,
        spiff_award_id,
        plan_id,
        plan_version,
        cast(accelerator_uplift_amount as decimal(18, 2)) as accelerator_uplift_amount,
        entry_note
    from entries
)

select * from final
