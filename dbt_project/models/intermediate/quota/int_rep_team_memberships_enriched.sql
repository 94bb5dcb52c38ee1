-- A table: many models and tests read it, and each would compute a view of it again.
{{ config(materialized='table') }}
-- Team membership over time with the team's territory and region, for crediting by date.
with

memberships as (
    select * from {{ ref('stg_plans__team_memberships') }}
),

teams as (
    select * from {{ ref('stg_plans__teams') }}
),

territories as (
    select * from {{ ref('stg_plans__territories') }}
),

final as (
    select
        memberships.membership_id,
        memberships.user_id,
        memberships.membership_role,
        memberships.team_id,
        teams.team_name,
        teams.manager_user_id,
        teams.territory_id,
        territories.territory_name,
        territories.region,
        territories.segment,
        memberships.valid_from,
        memberships.valid_to
    from memberships
    inner join teams
        on memberships.team_id = teams.team_id
    inner join territories
        on teams.territory_id = territories.territory_id
)

select * from final
