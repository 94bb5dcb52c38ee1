-- SPIFFs a plan pays per qualifying deal credited inside a date window (both ends inclusive).
with

source as (
    {{ merged_rows(source('plans', 'comp_plan_spiffs'), 'plan_id, plan_version, spiff_number') }}
),

renamed as (
    select
        plan_id || '@' || plan_version || '#' || cast(spiff_number as {{ dbt.type_string() }}) as plan_spiff_key,
        plan_id,
        plan_version,
        spiff_number,
        spiff_name,
        kind as spiff_kind,
        amount as spiff_amount,
        deal_type,
        min_term_months,
        window_from,
        window_to
    from source
)

select * from renamed
