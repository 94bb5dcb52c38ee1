-- One row per sales team (plan files), with its manager, territory and region.
with

teams as (
    select * from {{ ref('stg_plans__teams') }}
),

territories as (
    select * from {{ ref('stg_plans__territories') }}
),

users as (
    select * from {{ ref('int_crm_users') }}
),

final as (
    select
        teams.team_id,
        teams.team_name,
        teams.manager_user_id,
        managers.user_name as manager_name,
        teams.territory_id,
        territories.territory_name,
        territories.region,
        territories.segment
    from teams
    left join territories
        on teams.territory_id = territories.territory_id
    left join users as managers
        on teams.manager_user_id = managers.user_id
)

select * from final
