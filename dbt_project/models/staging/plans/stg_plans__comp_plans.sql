with

source as (
    {{ merged_rows(source('plans', 'comp_plans'), 'plan_id, plan_version') }}
),

renamed as (
    select
        plan_id || '@' || plan_version as plan_version_key,
        plan_id,
        plan_version,
        plan_name,
        effective_from,
        effective_to,
        currency as currency_code,
        quota_period,
        on_target_incentive,
        tier_mode,
        measure_basis,
        payout_timing,
        weight_new_business,
        weight_expansion,
        weight_renewal,
        gate_min_attainment,
        cap_kind,
        cap_value,
        clawback_window_days,
        clawback_triggers,
        manager_override_rate,
        draw_monthly_guarantee,
        draw_recoverable,
        capitalize_benefit_months,
        plan_body,
        {{ epoch_to_timestamp("_dlt_load_id") }} as loaded_at,
        source_file
    from source
)

select * from renamed
