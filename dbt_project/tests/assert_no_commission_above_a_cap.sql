{{ config(meta={'dagster': {'ref': {'name': 'fct_commission_lines'}}}) }}  -- shown in Dagster as a check on fct_commission_lines
-- No commission period pays above its plan's payout cap, and no measure above an attainment cap
-- is paid.
with

lines as (
    select * from {{ ref('fct_commission_lines') }}
),

plans as (
    select * from {{ ref('int_comp_plans_current') }}
),

per_period as (
    select
        lines.commission_period_id,
        max(plans.cap_kind) as cap_kind,
        max(plans.cap_value) as cap_value,
        max(lines.quota_amount) as quota_amount,
        sum(lines.commission_amount) as commission_amount,
        sum(case when lines.commission_rule = 'tier_rate' then lines.measure_amount else 0 end) as paid_measure
    from lines
    inner join plans
        on lines.plan_id = plans.plan_id
    group by lines.commission_period_id
)

select *
from per_period
where (cap_kind = 'payout' and commission_amount > cap_value)
    or (cap_kind = 'attainment' and paid_measure > cap_value * quota_amount)
