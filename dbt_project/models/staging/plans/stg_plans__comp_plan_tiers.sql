with

source as (
    {{ merged_rows(source('plans', 'comp_plan_tiers'), 'plan_id, plan_version, tier_number') }}
),

renamed as (
    select
        plan_id || '@' || plan_version || '#' || cast(tier_number as {{ dbt.type_string() }}) as plan_tier_key,
        plan_id,
        plan_version,
        tier_number,
        from_attainment,
        to_attainment,
        rate as commission_rate
    from source
)

select * from renamed
