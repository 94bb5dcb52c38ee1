-- Half-open validity: valid_from is the first day in the team, valid_to the first day after.
with

source as (
    select * from {{ source('plans', 'team_memberships') }}
),

renamed as (
    select
        {{ dbt.hash("user_id || '|' || team_id || '|' || cast(valid_from as " ~ dbt.type_string() ~ ")") }} as membership_id,
        user_id,
        team_id,
        role as membership_role,
        valid_from,
        valid_to
    from source
)

select * from renamed
