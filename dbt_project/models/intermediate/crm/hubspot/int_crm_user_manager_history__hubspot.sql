-- HubSpot owners carry no manager: no manager chain (reps roll up by team, territory, region).

with

manager_history as (
    select
        owner_id as user_id,
        cast(null as {{ dbt.type_string() }}) as manager_id,
        created_at as valid_from,
        cast(null as timestamp) as valid_to
    from {{ ref('stg_hubspot__owners') }}
    where 1 = 0
)

select * from manager_history
