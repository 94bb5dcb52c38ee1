-- Half-open validity: effective_to is the first day the assignment no longer applies.
with

source as (
    select * from {{ source('plans', 'plan_assignments') }}
),

renamed as (
    select
        {{ dbt.hash("user_id || '|' || plan_id || '|' || cast(effective_from as " ~ dbt.type_string() ~ ")") }} as assignment_id,
        user_id,
        plan_id,
        effective_from,
        effective_to
    from source
)

select * from renamed
