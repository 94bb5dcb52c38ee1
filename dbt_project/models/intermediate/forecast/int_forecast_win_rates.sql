-- A table: a model and its own test read it, and each would compute a view of it again.
{{ config(materialized='table') }}
-- For each quarter, each open deal's chance to be won by the quarter's end, learnt only from the
-- quarters that ended before it began (no leakage): among their deals open on a forecast day in
-- the same segment, stage, due or not by the quarter's end, days-left band and age band, the share
-- won by their quarter's end. With fewer than var forecast_min_trials such deal-days, the share in
-- any segment; with fewer, in the same stage and days left at any age; with fewer than that too,
-- in the same days left at any stage and age.
with

open_deals as (
    select * from {{ ref('int_forecast_open_deals') }}
),

quarters as (
    select distinct quarter_start from {{ ref('int_forecast_weeks') }}
),

past as (
    select * from open_deals
    where is_quarter_complete
),

learnt as (
    select
        quarters.quarter_start,
        past.segment,
        past.stage_name,
        past.is_due_in_quarter,
        past.days_left_band,
        past.age_band,
        sum(case when past.is_won_by_quarter_end then 1 else 0 end) as wins,
        count(*) as trials
    from quarters
    inner join past on quarters.quarter_start > past.quarter_end
    group by 1, 2, 3, 4, 5, 6
),

any_segment as (
    select
        quarter_start,
        stage_name,
        is_due_in_quarter,
        days_left_band,
        age_band,
        sum(wins) as wins,
        sum(trials) as trials
    from learnt
    group by 1, 2, 3, 4, 5
),

by_stage as (
    select
        quarter_start,
        stage_name,
        is_due_in_quarter,
        days_left_band,
        sum(wins) as wins,
        sum(trials) as trials
    from any_segment
    group by 1, 2, 3, 4
),

overall as (
    select
        quarter_start,
        is_due_in_quarter,
        days_left_band,
        sum(wins) as wins,
        sum(trials) as trials
    from any_segment
    group by 1, 2, 3
),

-- Every band a forecast needs: the bands of the deals open in each quarter.
needed as (
    select distinct
        quarter_start,
        segment,
        stage_name,
        is_due_in_quarter,
        days_left_band,
        age_band
    from open_deals
),

rates as (
    select
        needed.quarter_start,
        needed.segment,
        needed.stage_name,
        needed.is_due_in_quarter,
        needed.days_left_band,
        needed.age_band,
        case
            when learnt.trials >= {{ var('forecast_min_trials') }} then 'band'
            when any_segment.trials >= {{ var('forecast_min_trials') }} then 'any_segment'
            when by_stage.trials >= {{ var('forecast_min_trials') }} then 'stage_and_days_left'
            when overall.trials > 0 then 'days_left'
        end as learnt_from,
        -- An exact decimal, so both engines multiply amounts by the same number.
        cast(case
            when learnt.trials >= {{ var('forecast_min_trials') }} then {{ divide('learnt.wins', 'learnt.trials', 10) }}
            when any_segment.trials >= {{ var('forecast_min_trials') }} then {{ divide('any_segment.wins', 'any_segment.trials', 10) }}
            when by_stage.trials >= {{ var('forecast_min_trials') }} then {{ divide('by_stage.wins', 'by_stage.trials', 10) }}
            when overall.trials > 0 then {{ divide('overall.wins', 'overall.trials', 10) }}
        end as decimal(12, 10)) as win_rate
    from needed
    left join learnt
        on
        needed.quarter_start = learnt.quarter_start
        and needed.segment = learnt.segment
        and needed.stage_name = learnt.stage_name
        and needed.is_due_in_quarter = learnt.is_due_in_quarter
        and needed.days_left_band = learnt.days_left_band
        and needed.age_band = learnt.age_band
    left join any_segment
        on
        needed.quarter_start = any_segment.quarter_start
        and needed.stage_name = any_segment.stage_name
        and needed.is_due_in_quarter = any_segment.is_due_in_quarter
        and needed.days_left_band = any_segment.days_left_band
        and needed.age_band = any_segment.age_band
    left join by_stage
        on
        needed.quarter_start = by_stage.quarter_start
        and needed.stage_name = by_stage.stage_name
        and needed.is_due_in_quarter = by_stage.is_due_in_quarter
        and needed.days_left_band = by_stage.days_left_band
    left join overall
        on
        needed.quarter_start = overall.quarter_start
        and needed.is_due_in_quarter = overall.is_due_in_quarter
        and needed.days_left_band = overall.days_left_band
)

select * from rates
