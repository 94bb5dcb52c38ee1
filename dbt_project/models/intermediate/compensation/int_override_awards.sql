-- Manager overrides: a manager whose plan in force sets manager_override.rate earns that rate on
-- every credited booking of the team they managed on the credit date (effective-dated team
-- membership with role manager; the credited rep's team on that date), except their own
-- credits. In the reporting currency (the plan currency is taken to be the reporting one).
with

credited_bookings as (
    select * from {{ ref('int_bookings_credited') }}
),

memberships as (
    select * from {{ ref('int_rep_team_memberships_enriched') }}
    where membership_role = 'manager'
),

assignments as (
    select * from {{ ref('stg_plans__plan_assignments') }}
),

plans as (
    select * from {{ ref('int_comp_plans_current') }}
    where manager_override_rate is not null
),

team_managers as (
    select
        credited_bookings.credit_id,
        credited_bookings.opportunity_id,
        credited_bookings.user_id as credited_user_id,
        credited_bookings.credit_date,
        credited_bookings.team_id,
        credited_bookings.credited_amount_reporting,
        memberships.user_id as manager_id
    from credited_bookings
    inner join memberships
        on credited_bookings.team_id = memberships.team_id
        and {{ is_valid_on('credited_bookings.credit_date', 'memberships') }}
    where credited_bookings.user_id <> memberships.user_id
),

final as (
    select
        {{ dbt.hash("team_managers.credit_id || '|' || team_managers.manager_id") }} as override_award_id,
        team_managers.credit_id,
        team_managers.opportunity_id,
        team_managers.credited_user_id,
        team_managers.manager_id,
        team_managers.team_id,
        team_managers.credit_date,
        plans.plan_id,
        plans.plan_version,
        plans.currency_code as plan_currency_code,
        plans.manager_override_rate,
        team_managers.credited_amount_reporting,
        {{ round_money('team_managers.credited_amount_reporting * plans.manager_override_rate') }} as override_amount
    from team_managers
    inner join assignments
        on team_managers.manager_id = assignments.user_id
        and {{ is_valid_on('team_managers.credit_date', 'assignments', 'effective_from', 'effective_to') }}
    inner join plans
        on assignments.plan_id = plans.plan_id
)

select * from final
