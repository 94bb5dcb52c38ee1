-- ASC 340-40: commissions of plans that set capitalization.benefit_months are capitalised in
-- the month earned and amortised straight-line over the benefit months from that month (each
-- month the line ÷ months, rounded to cents; the last month takes the remainder). When the
-- customer churns (a credit note for cancellation or churn on the deal's invoices), what is
-- not yet amortised is written off in that month and amortisation stops. One row per
-- capitalised commission line × month of its schedule, up to the as-of month.
with

lines as (
    select * from {{ ref('fct_commission_lines') }}
    where commission_amount <> 0
),

plans as (
    select * from {{ ref('int_comp_plans_current') }}
    where capitalize_benefit_months is not null
),

periods as (
    select * from {{ ref('int_calendar_periods') }}
    where period_grain = 'month'
),

invoices as (
    select * from {{ ref('stg_finance__invoices') }}
),

credit_notes as (
    select * from {{ ref('stg_finance__credit_notes') }}
),

churn_months as (
    select
        invoices.opportunity_id,
        min(cast({{ dbt.date_trunc('month', 'credit_notes.credit_date') }} as date)) as churn_month
    from credit_notes
    inner join invoices
        on credit_notes.invoice_id = invoices.invoice_id
    where credit_notes.credit_reason in ('cancellation', 'churn')
    group by invoices.opportunity_id
),

capitalized as (
    select
        lines.commission_line_id,
        lines.user_id,
        lines.opportunity_id,
        lines.plan_currency_code as currency_code,
        lines.commission_month as capitalized_month,
        lines.commission_amount as capitalized_amount,
        plans.capitalize_benefit_months as benefit_months,
        {{ round_money(divide('lines.commission_amount', 'plans.capitalize_benefit_months', 12)) }} as monthly_amount,
        churn_months.churn_month
    from lines
    inner join plans
        on lines.plan_id = plans.plan_id
    left join churn_months
        on lines.opportunity_id = churn_months.opportunity_id
),

schedule_months as (
    select
        capitalized.*,
        periods.period_start as schedule_month,
        {{ dbt.datediff('capitalized.capitalized_month', 'periods.period_start', 'month') }} as month_index
    from capitalized
    inner join periods
        on capitalized.capitalized_month <= periods.period_start
),

amortized as (
    select
        schedule_months.*,
        case
            when schedule_months.month_index >= schedule_months.benefit_months then 0
            when schedule_months.churn_month is not null and schedule_months.schedule_month >= schedule_months.churn_month then 0
            when schedule_months.month_index = schedule_months.benefit_months - 1 then schedule_months.capitalized_amount - schedule_months.monthly_amount * (schedule_months.benefit_months - 1)
            else schedule_months.monthly_amount
        end as amortized_amount
    from schedule_months
),

with_write_off as (
    select
        amortized.*,
        case
            when amortized.schedule_month = amortized.churn_month
                then amortized.capitalized_amount - coalesce(sum(amortized.amortized_amount) over (
                        partition by amortized.commission_line_id order by amortized.schedule_month
                        rows between unbounded preceding and 1 preceding
                    ), 0)
            else 0
        end as written_off_amount
    from amortized
),

final as (
    select
        commission_line_id,
        user_id,
        opportunity_id,
        currency_code,
        schedule_month,
        cast(case when schedule_month = capitalized_month then capitalized_amount else 0 end as decimal(18, 2)) as capitalized_amount,
        cast(amortized_amount as decimal(18, 2)) as amortized_amount,
        cast(written_off_amount as decimal(18, 2)) as written_off_amount
    from with_write_off
    where month_index < benefit_months
        and (churn_month is null or schedule_month <= churn_month)
)

select * from final
