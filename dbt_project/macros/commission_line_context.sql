{#- The columns every commission line carries from its crediting event and plan, in order: the
    tier lines (int_commission_tier_lines) and the payout-cap lines (fct_commission_lines) list
    them through this macro, so the two union column for column. -#}
{% macro commission_line_context() -%}
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
    on_target_rate
{%- endmacro %}
