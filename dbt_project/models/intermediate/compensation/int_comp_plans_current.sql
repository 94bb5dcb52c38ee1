-- The version of each comp plan in force: the latest loaded. Older versions stay in staging for
-- audit; lines name the version they were computed with. The on-target rate is the rate of the
-- tier holding attainment just below 100 %, the base accelerator uplift is measured against.
with

plan_versions as (
    select * from {{ ref('stg_plans__comp_plans') }}
),

tiers as (
    select * from {{ ref('stg_plans__comp_plan_tiers') }}
),

ranked as (
    select
        plan_versions.*,
        row_number() over (partition by plan_versions.plan_id order by plan_versions.loaded_at desc, plan_versions.plan_version asc) as version_rank
    from plan_versions
),

on_target_tiers as (
    select
        plan_id,
        plan_version,
        commission_rate as on_target_rate
    from tiers
    where from_attainment < 1
        and (to_attainment is null or to_attainment >= 1)
),

final as (
    select
        ranked.plan_id,
        ranked.plan_version,
        ranked.plan_name,
        ranked.currency_code,
        ranked.quota_period,
        ranked.on_target_incentive,
        ranked.tier_mode,
        ranked.measure_basis,
        ranked.payout_timing,
        ranked.weight_new_business,
        ranked.weight_expansion,
        ranked.weight_renewal,
        coalesce(ranked.gate_min_attainment, 0) as gate_min_attainment,
        ranked.cap_kind,
        ranked.cap_value,
        ranked.clawback_window_days,
        ranked.clawback_triggers,
        ranked.manager_override_rate,
        ranked.draw_monthly_guarantee,
        coalesce(ranked.draw_recoverable, false) as draw_recoverable,
        ranked.capitalize_benefit_months,
        on_target_tiers.on_target_rate
    from ranked
    left join on_target_tiers
        on ranked.plan_id = on_target_tiers.plan_id
        and ranked.plan_version = on_target_tiers.plan_version
    where ranked.version_rank = 1
)

select * from final
