-- A table: a model and its own test read it, and each would compute a view of it again.
{{ config(materialized='table') }}
-- Each deal open on a forecast day (the day's pipeline snapshot), with the bands its chance is
-- looked up by - its team's segment, its stage, whether it is due by the quarter's end (a deal due later is sometimes
-- pulled in and won), days left in the quarter (0, 1-14, 15-30, 31-60, 61+) and age (0-30, 31-90, 91+
-- days) - and what became of it: won by the quarter's end (known once the quarter is over).
with

weeks as (
    select * from {{ ref('int_forecast_weeks') }}
),

snapshots as (
    select * from {{ ref('fct_pipeline_snapshots') }}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

teams as (
    select * from {{ ref('dim_teams') }}
),

open_deals as (
    select
        weeks.quarter_start,
        weeks.quarter_end,
        weeks.forecast_date,
        weeks.week_of_quarter,
        weeks.is_quarter_complete,
        snapshots.opportunity_id,
        snapshots.owner_id,
        snapshots.team_id,
        snapshots.region,
        coalesce(teams.segment, 'Unassigned') as segment,
        snapshots.stage_name,
        snapshots.forecast_category,
        snapshots.probability_pct,
        snapshots.amount_reporting,
        snapshots.close_date <= weeks.quarter_end as is_due_in_quarter,
        {{ dbt.datediff('weeks.forecast_date', 'weeks.quarter_end', 'day') }} as days_left,
        {{ dbt.datediff('opportunities.created_date', 'weeks.forecast_date', 'day') }} as age_days,
        coalesce(
            opportunities.is_won
            and opportunities.close_date > weeks.forecast_date
            and opportunities.close_date <= weeks.quarter_end,
            false
        ) as is_won_by_quarter_end
    from weeks
    inner join snapshots
        on weeks.forecast_date = snapshots.snapshot_date
    inner join opportunities on snapshots.opportunity_id = opportunities.opportunity_id
    left join teams on snapshots.team_id = teams.team_id
),

banded as (
    select
        *,
        case
            when days_left = 0 then '0'
            when days_left <= 14 then '1-14'
            when days_left <= 30 then '15-30'
            when days_left <= 60 then '31-60'
            else '61+'
        end as days_left_band,
        case when age_days <= 30 then '0-30' when age_days <= 90 then '31-90' else '91+' end as age_band
    from open_deals
)

select * from banded
