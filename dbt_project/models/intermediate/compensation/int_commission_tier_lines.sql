-- Commission lines from a plan's tiers: one row per rep × crediting event × tier segment, from
-- the one commission function C(x) of the plan, x being the commission period's cumulative
-- credited measure. An event's commission is C(after) − C(before), split into lines that say
-- which rule fired (tier_rate, retroactive_true_up, gate_catch_up, below_gate, attainment_cap:
-- fct_commission_lines describes each). Amounts are rounded half-up to cents per line. The
-- payout cap, which needs every line of the period, is applied by fct_commission_lines.
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

-- The measures with six decimals, as the tier, gate and cap boundaries have (quota x attainment:
-- 150 % of 6,111.11 is 9,166.665). DuckDB types a greatest, least, case or union of a
-- decimal(38, 2) and a decimal(18, 6) as decimal(38, 2), which rounded such a boundary to cents
-- inside the line measures; PostgreSQL and Spark keep it exact.
counted as (
    select
        bounded.*,
        cast(bounded.measure_before as decimal(38, 6)) as exact_measure_before,
        cast(bounded.measure_after as decimal(38, 6)) as exact_measure_after,
        cast(
            case
                when bounded.cap_measure < bounded.measure_before then bounded.cap_measure
                else bounded.measure_before
            end as decimal(38, 6)
        ) as counted_before,
        cast(
            case
                when bounded.cap_measure < bounded.measure_after then bounded.cap_measure
                else bounded.measure_after
            end as decimal(38, 6)
        ) as counted_after
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
        *,
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
        *,
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
        {{ commission_line_context() }},
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
        {{ commission_line_context() }},
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
        {{ commission_line_context() }},
        cast(null as integer) as tier_number,
        'attainment_cap' as commission_rule,
        exact_measure_after - greatest(exact_measure_before, cap_measure) as line_measure,
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

-- Typed as fct_commission_lines publishes them (the same values: commission was computed above).
final as (
    select
        {{ commission_line_context() }},
        tier_number,
        commission_rule,
        cast(line_measure as decimal(18, 2)) as line_measure,
        cast(line_rate as decimal(9, 6)) as line_rate,
        cast(rate_reached as decimal(9, 6)) as rate_reached,
        cast(rate_left as decimal(9, 6)) as rate_left,
        commission_amount,
        accelerator_uplift_amount
    from amounts
)

select * from final
