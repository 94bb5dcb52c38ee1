-- HubSpot owners carry no manager, and HubSpot's teams no manager or parent team: a HubSpot
-- owner's manager is the manager of the team the plan files put them in (teams.csv
-- manager_user_id), until they join another team. As with a CRM's manager field (macro
-- manager_history_from_versions), the first team counts from the beginning and a rep who left
-- keeps their last manager, so every month of their quota rolls up. One level: a team manager has
-- no manager here, unless the plan files make them a member of another manager's team.

with

owners as (
    select owner_id from {{ ref('stg_hubspot__owners') }}
),

memberships as (
    select * from {{ ref('stg_plans__team_memberships') }}
),

teams as (
    select * from {{ ref('stg_plans__teams') }}
),

owner_memberships as (
    select
        memberships.user_id,
        teams.manager_user_id as manager_id,
        case
            when row_number() over owner_teams = 1 then cast('1900-01-01' as timestamp)
            else cast(memberships.valid_from as timestamp)
        end as valid_from,
        cast(lead(memberships.valid_from) over owner_teams as timestamp) as valid_to
    from memberships
    inner join owners on memberships.user_id = owners.owner_id
    inner join teams on memberships.team_id = teams.team_id
    window owner_teams as (partition by memberships.user_id order by memberships.valid_from)
),

manager_history as (
    select
        user_id,
        manager_id,
        valid_from,
        valid_to
    from owner_memberships
    where manager_id != user_id
)

select * from manager_history
