-- The stretches over which commission accumulates: one row per rep × quota period × comp plan in
-- force during it. A plan change inside a quota period splits it: each part keeps its own plan,
-- and its quota is the period's (ramped) quota prorated by days, rounded to cents. Quota periods
-- come from the quota file (stg_plans__quotas); the quota is taken to be in the plan's currency.
with

quotas as (
    select * from {{ ref('stg_plans__quotas') }}
),

assignments as (
    select * from {{ ref('stg_plans__plan_assignments') }}
),

plans as (
    select * from {{ ref('int_comp_plans_current') }}
),

quota_plan_overlaps as (
    select
        quotas.quota_id,
        quotas.user_id,
        quotas.period_start as quota_period_start,
        quotas.period_end as quota_period_end,
        quotas.quota_amount as period_quota_amount,
        assignments.plan_id,
        greatest(quotas.period_start, assignments.effective_from) as segment_start,
        {#- effective_to is exclusive (the first day no longer in force) -#}
        
        least(
            quotas.period_end,
            coalesce(cast({{ dbt.dateadd('day', -1, 'assignments.effective_to') }} as date), quotas.period_end)
        ) as segment_end
    from quotas
    inner join assignments
        on quotas.user_id = assignments.user_id
        and quotas.period_end >= assignments.effective_from
        and (assignments.effective_to is null or quotas.period_start < assignments.effective_to)
),

final as (
    select
        {{ dbt.hash("quota_plan_overlaps.quota_id || '|' || quota_plan_overlaps.plan_id || '|' || cast(quota_plan_overlaps.segment_start as " ~ dbt.type_string() ~ ")") }} as commission_period_id,
        quota_plan_overlaps.quota_id,
        quota_plan_overlaps.user_id,
        quota_plan_overlaps.plan_id,
        plans.plan_version,
        quota_plan_overlaps.quota_period_start,
        quota_plan_overlaps.quota_period_end,
        quota_plan_overlaps.segment_start,
        quota_plan_overlaps.segment_end,
        quota_plan_overlaps.period_quota_amount,
        {{ round_money('quota_plan_overlaps.period_quota_amount * ' ~ divide(
            dbt.datediff('quota_plan_overlaps.segment_start', 'quota_plan_overlaps.segment_end', 'day') ~ ' + 1',
            dbt.datediff('quota_plan_overlaps.quota_period_start', 'quota_plan_overlaps.quota_period_end', 'day') ~ ' + 1', 12)) }} as quota_amount
    from quota_plan_overlaps
    inner join plans
        on quota_plan_overlaps.plan_id = plans.plan_id
    where quota_plan_overlaps.segment_start <= quota_plan_overlaps.segment_end
)

select * from final
