{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fct_rep_data_health'}}}) }}  -- a WARN check on fct_rep_data_health
-- A team's CRM data health dropped by more than var crm_health_drop_warn_points from one week to
-- the next (the newest week against the one before): each such team's deals that broke the most
-- rules that week, worst first, so the warning names what to fix. Warns, stops nothing.
with

health as (
    select * from {{ ref('fct_rep_data_health') }}
),

hygiene as (
    select * from {{ ref('fct_opportunity_hygiene') }}
    where rule_status = 'violated'
),

newest_week as (
    select max(week_start) as week_start from health
),

dropped_teams as (
    select
        health.week_start,
        health.member_id as team_id,
        health.health_score,
        health.health_score_change
    from health
    inner join newest_week on health.week_start = newest_week.week_start
    where health.health_level = 'team' and health.health_score_change < -{{ var('crm_health_drop_warn_points') }}
),

worst_deals as (
    select
        dropped_teams.team_id,
        dropped_teams.health_score,
        dropped_teams.health_score_change,
        hygiene.opportunity_id,
        count(*) as broken_rules,
        min(hygiene.rule_name) as first_rule,
        row_number() over (
            partition by dropped_teams.team_id order by count(*) desc, hygiene.opportunity_id
        ) as deal_rank
    from dropped_teams
    inner join hygiene
        on dropped_teams.week_start = hygiene.week_start and dropped_teams.team_id = hygiene.team_id
    group by 1, 2, 3, 4
)

select
    team_id,
    health_score,
    health_score_change,
    opportunity_id,
    broken_rules,
    first_rule
from worst_deals
where deal_rank <= 5
