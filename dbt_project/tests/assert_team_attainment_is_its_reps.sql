{{ config(meta={'dagster': {'ref': {'name': 'fct_quota_attainment'}}}) }}  -- shown in Dagster as a check on fct_quota_attainment
-- A team's (territory's, region's) quota and credited bookings are exactly its reps' for every
-- period, and a rep's bookings are their credited bookings inside their quota periods.
with

attainment as (
    select * from {{ ref('fct_quota_attainment') }}
),

rep_months as (
    select * from {{ ref('int_quota_rep_months') }}
),

team_totals as (
    select
        period_grain,
        period_start,
        member_id as team_id,
        quota_amount,
        bookings_credited
    from attainment
    where attainment_level = 'team'
),

reps_of_team as (
    select
        periods.period_grain,
        periods.period_start,
        rep_months.team_id,
        sum(rep_months.quota_amount) as quota_amount,
        sum(rep_months.bookings_credited) as bookings_credited
    from rep_months
    inner join {{ ref('int_calendar_periods') }} as periods
        on (periods.period_grain = 'month' and rep_months.month_start = periods.period_start)
        or (periods.period_grain = 'quarter' and rep_months.quarter_start = periods.period_start)
        or (periods.period_grain = 'year' and rep_months.year_start = periods.period_start)
    where rep_months.team_id is not null
    group by periods.period_grain, periods.period_start, rep_months.team_id
)

select team_totals.*
from team_totals
full outer join reps_of_team
    on team_totals.period_grain = reps_of_team.period_grain
    and team_totals.period_start = reps_of_team.period_start
    and team_totals.team_id = reps_of_team.team_id
where team_totals.quota_amount is distinct from reps_of_team.quota_amount
    or team_totals.bookings_credited is distinct from reps_of_team.bookings_credited
