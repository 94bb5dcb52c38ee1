-- References get qualified when tiering moves to a model of its own:
-- noqa: disable=RF02,RF03
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
-- Amounts are rounded half-up to cents per line; statements sum rounded lines.
with

events as (
    select * from {{ ref('int_commission_events') }}
),

plans as (
    select * from {{ ref('int_comp_plans_current') }}
),

tiers as (
    select * from {{ ref('stg_plans__comp_plan_tiers') }}
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

bounded as (
    select
        events.*,
        plans.tier_mode,
        plans.currency_code as plan_currency_code,
        plans.on_target_rate,
        plans.cap_kind,
        plans.cap_value,
        events.quota_amount * plans.gate_min_attainment as gate_measure,
        case when plans.cap_kind = 'attainment' then events.quota_amount * plans.cap_value end as cap_measure
    from events
    inner join plans
        on events.plan_id = plans.plan_id
        and events.plan_version = plans.plan_version
),

counted as (
    select
        bounded.*,
        case
            when bounded.cap_measure < bounded.measure_before then bounded.cap_measure
            else bounded.measure_before
        end as counted_before,
        case
            when bounded.cap_measure < bounded.measure_after then bounded.cap_measure
            else bounded.measure_after
        end as counted_after
    from bounded
),

event_tiers as (
    select
        counted.*,
        tiers.tier_number,
        tiers.commission_rate,
        counted.quota_amount * tiers.from_attainment as tier_from,
        counted.quota_amount * tiers.to_attainment as tier_to
    from counted
    inner join tiers
        on counted.plan_id = tiers.plan_id
        and counted.plan_version = tiers.plan_version
),

-- Retroactive plans pay everything at the rate of the tier the cumulative measure is in.
reached_tiers as (
    select
        credit_id,
        commission_period_id,
        max(case when counted_after >= tier_from and (tier_to is null or counted_after < tier_to)
                then tier_number
        end) as tier_after,
        max(case when counted_after >= tier_from and (tier_to is null or counted_after < tier_to)
                then commission_rate
        end) as rate_after,
        max(case when counted_before >= tier_from and (tier_to is null or counted_before < tier_to)
                then commission_rate
        end) as rate_before
    from event_tiers
    group by credit_id, commission_period_id
),

marginal_lines as (
    select
        event_tiers.*,
        case when counted_after < gate_measure then 'below_gate' else 'tier_rate' end as commission_rule,
        greatest(
            0,
            least(counted_after, coalesce(tier_to, counted_after)) - greatest(counted_before, tier_from)
        ) as line_measure,
        commission_rate as line_rate,
        commission_rate as rate_reached,
        cast(null as decimal(9, 6)) as rate_left
    from event_tiers
    where tier_mode = 'marginal'
    union all
    select
        event_tiers.*,
        'gate_catch_up' as commission_rule,
        greatest(0, least(counted_before, coalesce(tier_to, counted_before)) - tier_from) as line_measure,
        commission_rate as line_rate,
        commission_rate as rate_reached,
        cast(null as decimal(9, 6)) as rate_left
    from event_tiers
    where tier_mode = 'marginal'
        and gate_measure > 0
        and counted_before < gate_measure
        and counted_after >= gate_measure
),

retroactive_events as (
    select
        counted.*,
        reached_tiers.tier_after,
        reached_tiers.rate_after,
        reached_tiers.rate_before
    from counted
    inner join reached_tiers
        on counted.credit_id = reached_tiers.credit_id
        and counted.commission_period_id = reached_tiers.commission_period_id
    where counted.tier_mode = 'retroactive'
),

retroactive_lines as (
    select
        *,
        case when counted_after < gate_measure then 'below_gate' else 'tier_rate' end as commission_rule,
        counted_after - counted_before as line_measure,
        rate_after as line_rate
    from retroactive_events
    union all
    select
        *,
        'retroactive_true_up' as commission_rule,
        counted_before as line_measure,
        rate_after - rate_before as line_rate
    from retroactive_events
    where rate_after <> rate_before
        and counted_before > 0
        and counted_before >= gate_measure
    union all
    select
        *,
        'gate_catch_up' as commission_rule,
        counted_before as line_measure,
        rate_after as line_rate
    from retroactive_events
    where gate_measure > 0
        and counted_before < gate_measure
        and counted_after >= gate_measure
        and counted_before > 0
),

paid_lines as (
    select
        credit_id,
        opportunity_id,
        user_id,
        credit_date,
        commission_period_id,
        plan_id,
        plan_version,
        tier_mode,
        plan_currency_code,
        fx_rate_used,
        fx_rate_source,
        quota_amount,
        measure_before,
        measure_after,
        cap_kind,
        cap_value,
        on_target_rate,
        tier_number,
        commission_rule,
        line_measure,
        line_rate,
        rate_reached,
        rate_left
    from marginal_lines
    where line_measure > 0
    union all
    select
        credit_id,
        opportunity_id,
        user_id,
        credit_date,
        commission_period_id,
        plan_id,
        plan_version,
        tier_mode,
        plan_currency_code,
        fx_rate_used,
        fx_rate_source,
        quota_amount,
        measure_before,
        measure_after,
        cap_kind,
        cap_value,
        on_target_rate,
        tier_after as tier_number,
        commission_rule,
        line_measure,
        line_rate,
        rate_after as rate_reached,
        rate_before as rate_left
    from retroactive_lines
    where line_measure > 0
    union all
    select
        credit_id,
        opportunity_id,
        user_id,
        credit_date,
        commission_period_id,
        plan_id,
        plan_version,
        tier_mode,
        plan_currency_code,
        fx_rate_used,
        fx_rate_source,
        quota_amount,
        measure_before,
        measure_after,
        cap_kind,
        cap_value,
        on_target_rate,
        cast(null as integer) as tier_number,
        'attainment_cap' as commission_rule,
        measure_after - greatest(measure_before, cap_measure) as line_measure,
        cast(0 as decimal(9, 6)) as line_rate,
        cast(null as decimal(9, 6)) as rate_reached,
        cast(null as decimal(9, 6)) as rate_left
    from counted
    where measure_after > cap_measure
),

amounts as (
    select
        paid_lines.*,
        case
            when paid_lines.commission_rule in ('below_gate', 'attainment_cap') then cast(0 as decimal(18, 2))
            else {{ round_money('line_measure * line_rate') }}
        end as commission_amount,
        case
            when paid_lines.commission_rule in ('tier_rate', 'gate_catch_up') and paid_lines.line_rate > paid_lines.on_target_rate
                then {{ round_money('line_measure * (line_rate - on_target_rate)') }}
            when paid_lines.commission_rule = 'retroactive_true_up'
                then {{ round_money('line_measure * (greatest(rate_reached, on_target_rate) - greatest(rate_left, on_target_rate))') }}
            else cast(0 as decimal(18, 2))
        end as accelerator_uplift_amount
    from paid_lines
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
    from amounts
    group by credit_id, commission_period_id
),

payout_capped as (
    select
        per_event.*,
        coalesce(sum(per_event.event_amount) over (
            partition by per_event.commission_period_id order by per_event.credit_date, per_event.opportunity_id, per_event.credit_id
            rows between unbounded preceding and 1 preceding
        ), 0) as paid_before
    from per_event
    where per_event.cap_kind = 'payout'
),

payout_cap_lines as (
    select
        credit_id,
        opportunity_id,
        user_id,
        credit_date,
        commission_period_id,
        plan_id,
        plan_version,
        tier_mode,
        plan_currency_code,
        fx_rate_used,
        fx_rate_source,
        quota_amount,
        measure_before,
        measure_after,
        cap_kind,
        cap_value,
        on_target_rate,
        cast(null as integer) as tier_number,
        'payout_cap' as commission_rule,
        cast(0 as decimal(18, 2)) as line_measure,
        cast(0 as decimal(9, 6)) as line_rate,
        cast(null as decimal(9, 6)) as rate_reached,
        cast(null as decimal(9, 6)) as rate_left,
        cast(
            least(paid_before + event_amount, cap_value) - least(paid_before, cap_value) - event_amount
            as decimal(18, 2)
        ) as commission_amount,
        cast(0 as decimal(18, 2)) as accelerator_uplift_amount
    from payout_capped
    where paid_before + event_amount > cap_value
),

all_lines as (
    select * from amounts
    union all
    select * from payout_cap_lines
),

final as (
    select
        {{ dbt.hash("credit_id || '|' || commission_period_id || '|' || commission_rule || '|' || coalesce(cast(tier_number as " ~ dbt.type_string() ~ "), '-')") }} as commission_line_id,
        credit_id,
        opportunity_id,
        user_id,
        credit_date,
        cast({{ dbt.date_trunc('month', 'credit_date') }} as date) as commission_month,
        commission_period_id,
        plan_id,
        plan_version,
        tier_mode,
        cast(tier_number as integer) as tier_number,
        commission_rule,
        plan_currency_code,
        cast(fx_rate_used as decimal(18, 6)) as fx_rate_used,
        fx_rate_source,
        cast(quota_amount as decimal(18, 2)) as quota_amount,
        cast({{ divide('measure_before * 100', 'quota_amount', 2) }} as decimal(18, 2)) as attainment_before_pct,
        cast({{ divide('measure_after * 100', 'quota_amount', 2) }} as decimal(18, 2)) as attainment_after_pct,
        cast(line_measure as decimal(18, 2)) as measure_amount,
        cast(line_rate as decimal(9, 6)) as commission_rate,
        cast(commission_amount as decimal(18, 2)) as commission_amount,
        cast(accelerator_uplift_amount as decimal(18, 2)) as accelerator_uplift_amount,
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
