-- Fixed rates a plan sets: `rate` units of the plan currency for one unit of from_currency.
with

source as (
    {{ merged_rows(source('plans', 'comp_plan_fx_rates'), 'plan_id, plan_version, from_currency') }}
),

renamed as (
    select
        plan_id || '@' || plan_version || '#' || from_currency as plan_fx_rate_key,
        plan_id,
        plan_version,
        from_currency,
        to_currency,
        rate
    from source
)

select * from renamed
