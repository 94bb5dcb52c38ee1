-- Crediting events for compensation: each credited deal under the comp plan in force for the
-- rep on the credit date, at the plan's fixed FX rate where it sets one (else the close date's
-- rate), weighted by deal type, on the plan's measure basis. The plan in force is the latest
-- loaded version of the assigned plan (int_comp_plans_current).
with

credited_bookings as (
    select * from {{ ref('int_bookings_credited') }}
),

assignments as (
    select * from {{ ref('stg_plans__plan_assignments') }}
),

plans as (
    select * from {{ ref('int_comp_plans_current') }}
),

plan_fx_rates as (
    select * from {{ ref('stg_plans__comp_plan_fx_rates') }}
),

credited_under_plan as (
    select
        credited_bookings.*,
        assignments.plan_id,
        plans.plan_version,
        plans.currency_code as plan_currency_code,
        plans.measure_basis,
        case credited_bookings.opportunity_type
            when 'New Business' then plans.weight_new_business
            when 'Expansion' then plans.weight_expansion
            when 'Renewal' then plans.weight_renewal
            else cast(1 as decimal(9, 4))
        end as measure_weight,
        case
            when credited_bookings.currency_code = plans.currency_code then cast(1 as decimal(18, 6))
            else plan_fx_rates.rate
        end as plan_fixed_fx_rate
    from credited_bookings
    inner join assignments
        on credited_bookings.user_id = assignments.user_id
        and {{ is_valid_on('credited_bookings.credit_date', 'assignments', 'effective_from', 'effective_to') }}
    inner join plans
        on assignments.plan_id = plans.plan_id
    left join plan_fx_rates
        on plans.plan_id = plan_fx_rates.plan_id
        and plans.plan_version = plan_fx_rates.plan_version
        and credited_bookings.currency_code = plan_fx_rates.from_currency
),

measure_factors as (
    -- The measure's factors, sized so their product keeps all 12 of its decimals on every engine
    -- (amounts below 10^13, rates below 10^6, weights below 100).
    select
        credited_under_plan.*,
        {{ product_factor('credited_under_plan.credited_amount', 15, 2) }} as amount_factor,
        {{ product_factor('coalesce(credited_under_plan.plan_fixed_fx_rate, credited_under_plan.fx_rate_to_reporting)', 12, 6) }} as rate_factor,
        {{ product_factor('credited_under_plan.measure_weight', 6, 4) }} as weight_factor
    from credited_under_plan
),

final as (
    select
        credit_id,
        opportunity_id,
        user_id,
        credit_type,
        credit_date,
        opportunity_type,
        plan_id,
        plan_version,
        measure_basis,
        cast(split_pct as decimal(18, 2)) as split_pct,
        currency_code,
        cast(credited_amount as decimal(18, 2)) as credited_amount,
        cast(coalesce(plan_fixed_fx_rate, fx_rate_to_reporting) as decimal(18, 6)) as fx_rate_used,
        case
            when currency_code = plan_currency_code then 'same_currency'
            when plan_fixed_fx_rate is not null then 'plan_fixed_rate'
            else 'close_date_rate'
        end as fx_rate_source,
        plan_currency_code,
        {{ round_money('credited_amount * coalesce(plan_fixed_fx_rate, fx_rate_to_reporting)') }} as credited_amount_plan_currency,
        cast(measure_weight as decimal(9, 4)) as measure_weight,
        case
            when measure_basis = 'first_year_value' and term_months > 12
                then {{ round_money(divide('amount_factor * rate_factor * weight_factor * ' ~ product_factor('12', 2, 0), 'term_months', 8)) }}
            else {{ round_money('amount_factor * rate_factor * weight_factor') }}
        end as credited_measure
    from measure_factors
)

select * from final
