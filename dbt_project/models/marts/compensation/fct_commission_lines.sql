-- Commission lines: one row per rep × crediting event × tier segment, from the one commission
-- function C(x) of the plan, x being the commission period's cumulative credited measure. An
-- event's commission is C(after) − C(before), split into lines that say which rule fired:
--   tier_rate            the event's own measure in a tier, at the tier's rate (marginal: one
--                        line per tier it spans; retroactive: all at the rate of the tier
--                        reached);
--   retroactive_true_up  retroactive plans: the measure before the event, re-paid at the
--                        difference between the new tier's rate and the old one's;
--   gate_catch_up        the event that crosses the gate also pays the measure before it (per
--                        tier for marginal plans, at the reached tier's rate for retroactive);
--   below_gate           below the gate: the measure is recorded, nothing is paid;
--   attainment_cap       measure above the attainment cap: recorded, nothing paid;
--   payout_cap           a negative line bringing the period's commission down to the payout cap.
-- Amounts are rounded half-up to cents per line; statements sum rounded lines. The tier lines
-- come from int_commission_tier_lines; the payout cap and the disputes are applied here.
with

tier_lines as (
    select * from {{ ref('int_commission_tier_lines') }}
),

-- A line carries the latest dispute the rep raised on its deal, if any.
disputes as (
    select
        dispute_id,
        user_id as disputing_user_id,
        opportunity_id as disputed_opportunity_id,
        dispute_status,
        resolution,
        row_number() over (partition by user_id, opportunity_id order by raised_on desc, dispute_id desc) as recency
    from {{ ref('stg_plans__commission_disputes') }}
),

-- A payout cap stops the period's commission at cap_value: the event that passes it gets a
-- negative line for the excess, later events a line cancelling all they would earn.
per_event as (
    select
        credit_id,
        commission_period_id,
        max(opportunity_id) as opportunity_id,
        max(user_id) as user_id,
        max(credit_date) as credit_date,
        max(plan_id) as plan_id,
        max(plan_version) as plan_version,
        max(tier_mode) as tier_mode,
        max(plan_currency_code) as plan_currency_code,
        max(fx_rate_used) as fx_rate_used,
        max(fx_rate_source) as fx_rate_source,
        max(quota_amount) as quota_amount,
        max(measure_before) as measure_before,
        max(measure_after) as measure_after,
        max(cap_kind) as cap_kind,
        max(cap_value) as cap_value,
        max(on_target_rate) as on_target_rate,
        sum(commission_amount) as event_amount
    from tier_lines
    group by credit_id, commission_period_id
),

-- The cap keeps its four decimals: DuckDB types a least() of a decimal(38, 2) and a
-- decimal(18, 4) as decimal(38, 2), rounding the cap to cents.
payout_capped as (
    select
        per_event.*,
        cast(per_event.cap_value as decimal(38, 4)) as payout_cap,
        cast(coalesce(sum(per_event.event_amount) over (
            partition by per_event.commission_period_id order by per_event.credit_date, per_event.opportunity_id, per_event.credit_id
            rows between unbounded preceding and 1 preceding
        ), 0) as decimal(38, 4)) as paid_before
    from per_event
    where per_event.cap_kind = 'payout'
),

payout_cap_lines as (
    select
        {{ commission_line_context() }},
        cast(null as integer) as tier_number,
        'payout_cap' as commission_rule,
        cast(0 as decimal(18, 2)) as line_measure,
        cast(0 as decimal(9, 6)) as line_rate,
        cast(null as decimal(9, 6)) as rate_reached,
        cast(null as decimal(9, 6)) as rate_left,
        cast(
            least(paid_before + event_amount, payout_cap) - least(paid_before, payout_cap) - event_amount
            as decimal(18, 2)
        ) as commission_amount,
        cast(0 as decimal(18, 2)) as accelerator_uplift_amount
    from payout_capped
    where paid_before + event_amount > payout_cap
),

all_lines as (
    select * from tier_lines
    union all
    select * from payout_cap_lines
),

final as (
    select
        {{ dbt.hash(
            "all_lines.credit_id || '|' || all_lines.commission_period_id || '|' || all_lines.commission_rule"
            ~ " || '|' || coalesce(cast(all_lines.tier_number as " ~ dbt.type_string() ~ "), '-')"
        ) }} as commission_line_id,
        all_lines.credit_id,
        all_lines.opportunity_id,
        all_lines.user_id,
        all_lines.credit_date,
        cast({{ dbt.date_trunc('month', 'all_lines.credit_date') }} as date) as commission_month,
        all_lines.commission_period_id,
        all_lines.plan_id,
        all_lines.plan_version,
        all_lines.tier_mode,
        cast(all_lines.tier_number as integer) as tier_number,
        all_lines.commission_rule,
        all_lines.plan_currency_code,
        cast(all_lines.fx_rate_used as decimal(18, 6)) as fx_rate_used,
        all_lines.fx_rate_source,
        cast(all_lines.quota_amount as decimal(18, 2)) as quota_amount,
        cast({{ divide('all_lines.measure_before * 100', 'all_lines.quota_amount', 2) }} as decimal(18, 2)) as attainment_before_pct,
        cast({{ divide('all_lines.measure_after * 100', 'all_lines.quota_amount', 2) }} as decimal(18, 2)) as attainment_after_pct,
        cast(all_lines.line_measure as decimal(18, 2)) as measure_amount,
        cast(all_lines.line_rate as decimal(9, 6)) as commission_rate,
        cast(all_lines.commission_amount as decimal(18, 2)) as commission_amount,
        cast(all_lines.accelerator_uplift_amount as decimal(18, 2)) as accelerator_uplift_amount,
        disputes.dispute_id is not null and disputes.dispute_status = 'open' as is_disputed,
        disputes.dispute_id,
        disputes.dispute_status,
        disputes.resolution as dispute_resolution
    from all_lines
    left join disputes
        on all_lines.user_id = disputes.disputing_user_id
        and all_lines.opportunity_id = disputes.disputed_opportunity_id
        and disputes.recency = 1
)

select * from final
