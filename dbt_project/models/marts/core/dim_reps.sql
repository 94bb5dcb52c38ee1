-- One row per CRM user (rep or manager): a display name unique in the warehouse, the manager and
-- the team, territory and region the user is in on the as-of date (or was last in).
with

users as (
    select * from {{ ref('int_crm_users') }}
),

memberships as (
    select * from {{ ref('int_rep_team_memberships_enriched') }}
),

latest_memberships as (
    select
        memberships.*,
        row_number() over (partition by memberships.user_id order by memberships.valid_from desc, memberships.membership_id asc) as recency
    from memberships
    where memberships.valid_from <= {{ as_of_date() }}
),

name_counts as (
    select
        user_name,
        count(*) as users_sharing_name
    from users
    group by user_name
),

final as (
    select
        users.user_id,
        -- Two people may share a name; the id tells them apart wherever a name is shown.
        case
            when name_counts.users_sharing_name > 1
                then {{ dbt.concat(['users.user_name', "' ('", 'users.user_id', "')'"]) }}
            else users.user_name
        end as rep_name,
        users.user_name as crm_user_name,
        users.title,
        coalesce(users.manager_id, team.manager_user_id) as manager_id,
        managers.user_name as manager_name,
        team.team_id,
        team.team_name,
        team.membership_role,
        team.territory_id,
        team.territory_name,
        team.region,
        team.segment,
        users.is_active,
        users.hire_date,
        users.termination_date
    from users
    left join name_counts
        on users.user_name = name_counts.user_name
    left join latest_memberships as team
        on users.user_id = team.user_id
        and team.recency = 1
    left join users as managers
        on coalesce(users.manager_id, team.manager_user_id) = managers.user_id
)

select * from final
