with

source as (
    select * from {{ source('plans', 'teams') }}
),

renamed as (
    select
        team_id,
        team_name,
        territory_id,
        region,
        segment,
        manager_user_id
    from source
)

select * from renamed
