-- The quarter's forecast as it stood on each forecast day (each week of each fiscal quarter), per
-- rep, team, region and the company. Statistical: closed won to date + the expected value of the
-- open deals (each deal's amount × its chance to be won by the quarter's end, from
-- int_forecast_win_rates: learnt from earlier quarters only; a deal due after the quarter has its
-- own, smaller chance of being pulled in) + the bookings the four quarters before won from deals
-- created after the same week (their mean); p50 is that sum, p10 and p90 are it -/+
-- var forecast_band_z standard deviations of the open deals' outcomes (each won or not: a
-- variance of amount² × p × (1 - p)), p10 never below what is already won. Baselines the same
-- day: weighted pipeline (closed + the CRM's probability × amount), commit (closed + Commit
-- deals), best case (commit + Best Case deals), and the calls submitted by then (a rep's own; a
-- team's, its manager's). Final bookings once the quarter is over.
{%- set levels = forecast_levels() %}
with

weeks as (
    select * from {{ ref('int_forecast_weeks') }}
),

open_deals as (
    select * from {{ ref('int_forecast_open_deals') }}
),

win_rates as (
    select * from {{ ref('int_forecast_win_rates') }}
),

new_deal_bookings as (
    select * from {{ ref('int_forecast_new_deal_bookings') }}
),

won as (
    select * from {{ ref('fct_opportunities') }}
    where is_won
),

calls as (
    select * from {{ ref('stg_plans__forecast_calls') }}
),

teams as (
    select * from {{ ref('stg_plans__teams') }}
),

-- Each rep's own call, and each team's manager's call for the team, as last submitted by the
-- forecast day.
latest_calls as (
    select
        weeks.quarter_start,
        weeks.forecast_date,
        calls.user_id,
        calls.commit_amount,
        calls.best_case_amount,
        row_number() over (
            partition by weeks.quarter_start, weeks.forecast_date, calls.user_id
            order by calls.submitted_on desc
        ) as call_rank
    from weeks
    inner join calls
        on
        weeks.quarter_start = calls.quarter_start
        and weeks.forecast_date >= calls.submitted_on
),

calls_by_level as (
    select
        quarter_start,
        forecast_date,
        'rep' as forecast_level,
        user_id as member_id,
        commit_amount,
        best_case_amount
    from latest_calls
    where call_rank = 1
    union all
    select
        latest_calls.quarter_start,
        latest_calls.forecast_date,
        'team' as forecast_level,
        teams.team_id as member_id,
        latest_calls.commit_amount,
        latest_calls.best_case_amount
    from latest_calls
    inner join teams on latest_calls.user_id = teams.manager_user_id
    where latest_calls.call_rank = 1
),

priced_deals as (
    select
        open_deals.*,
        coalesce(win_rates.win_rate, 0) as win_rate
    from open_deals
    left join win_rates
        on
        open_deals.quarter_start = win_rates.quarter_start
        and open_deals.segment = win_rates.segment
        and open_deals.stage_name = win_rates.stage_name
        and open_deals.is_due_in_quarter = win_rates.is_due_in_quarter
        and open_deals.days_left_band = win_rates.days_left_band
        and open_deals.age_band = win_rates.age_band
),

open_by_level as (
    {%- for level, column in levels %}
    select
        quarter_start,
        forecast_date,
        '{{ level }}' as forecast_level,
        {{ column }} as member_id,
        sum(case when is_due_in_quarter then amount_reporting else 0 end) as open_pipeline,
        sum(amount_reporting * win_rate) as expected_from_open,
        sum(
            cast(amount_reporting as {{ type_double() }}) * cast(amount_reporting as {{ type_double() }})
            * cast(win_rate as {{ type_double() }}) * (1 - cast(win_rate as {{ type_double() }}))
        ) as outcome_variance,
        -- × 0.01, not ÷ 100: DuckDB divides decimals as doubles, PostgreSQL exactly.
        sum(case when is_due_in_quarter then amount_reporting * probability_pct * 0.01 else 0 end)
            as weighted_open,
        sum(case when is_due_in_quarter and forecast_category = 'Commit' then amount_reporting else 0 end)
            as commit_open,
        sum(case when is_due_in_quarter and forecast_category = 'Best Case' then amount_reporting else 0 end)
            as best_case_open
    from priced_deals
    where {{ column }} is not null
    group by 1, 2, 3, 4
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

won_in_quarter as (
    select
        weeks.quarter_start,
        weeks.forecast_date,
        won.owner_id,
        won.team_id,
        won.region,
        won.amount_reporting,
        won.close_date <= weeks.forecast_date as is_won_to_date
    from weeks
    inner join won on weeks.quarter_start <= won.close_date and weeks.quarter_end >= won.close_date
),

won_by_level as (
    {%- for level, column in levels %}
    select
        quarter_start,
        forecast_date,
        '{{ level }}' as forecast_level,
        {{ column }} as member_id,
        sum(case when is_won_to_date then amount_reporting else 0 end) as closed_won_to_date,
        sum(amount_reporting) as won_in_quarter
    from won_in_quarter
    where {{ column }} is not null
    group by 1, 2, 3, 4
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- What deals still to come brought in the four quarters before, after the same week: their mean.
expected_new as (
    select
        weeks.quarter_start,
        weeks.forecast_date,
        new_deal_bookings.forecast_level,
        new_deal_bookings.member_id,
        -- An exact mean to the cent (DuckDB's avg of decimals is a double: a mean on a half cent
        -- could round down there and up on PostgreSQL).
        {{ divide('sum(new_deal_bookings.new_deal_bookings)', 'count(new_deal_bookings.new_deal_bookings)', 2) }}
            as expected_from_new
    from weeks
    inner join new_deal_bookings
        on
        weeks.week_of_quarter = new_deal_bookings.week_of_quarter
        and weeks.quarter_start > new_deal_bookings.quarter_start
        and {{ dbt.dateadd('month', -12, 'weeks.quarter_start') }} <= new_deal_bookings.quarter_start
    group by 1, 2, 3, 4
),

members as (
    {%- for source in ['open_by_level', 'won_by_level'] %}
    select
        quarter_start,
        forecast_date,
        forecast_level,
        member_id
    from {{ source }}
    {%- if not loop.last %}
    union
    {%- endif %}
    {%- endfor %}
),

combined as (
    select
        members.quarter_start,
        weeks.quarter_end,
        members.forecast_date,
        weeks.week_of_quarter,
        weeks.is_quarter_complete,
        members.forecast_level,
        members.member_id,
        coalesce(won_by_level.closed_won_to_date, 0) as closed_won_to_date,
        coalesce(open_by_level.open_pipeline, 0) as open_pipeline,
        coalesce(open_by_level.expected_from_open, 0) as expected_from_open,
        coalesce(expected_new.expected_from_new, 0) as expected_from_new,
        coalesce(open_by_level.outcome_variance, 0) as outcome_variance,
        coalesce(open_by_level.weighted_open, 0) as weighted_open,
        coalesce(open_by_level.commit_open, 0) as commit_open,
        coalesce(open_by_level.best_case_open, 0) as best_case_open,
        coalesce(won_by_level.won_in_quarter, 0) as won_in_quarter,
        calls_by_level.commit_amount as submitted_commit_call,
        calls_by_level.best_case_amount as submitted_best_case_call
    from members
    inner join weeks
        on members.quarter_start = weeks.quarter_start and members.forecast_date = weeks.forecast_date
    left join open_by_level
        on
        members.quarter_start = open_by_level.quarter_start
        and members.forecast_date = open_by_level.forecast_date
        and members.forecast_level = open_by_level.forecast_level
        and members.member_id = open_by_level.member_id
    left join won_by_level
        on
        members.quarter_start = won_by_level.quarter_start
        and members.forecast_date = won_by_level.forecast_date
        and members.forecast_level = won_by_level.forecast_level
        and members.member_id = won_by_level.member_id
    left join expected_new
        on
        members.quarter_start = expected_new.quarter_start
        and members.forecast_date = expected_new.forecast_date
        and members.forecast_level = expected_new.forecast_level
        and members.member_id = expected_new.member_id
    left join calls_by_level
        on
        members.quarter_start = calls_by_level.quarter_start
        and members.forecast_date = calls_by_level.forecast_date
        and members.forecast_level = calls_by_level.forecast_level
        and members.member_id = calls_by_level.member_id
),

forecast as (
    select
        *,
        closed_won_to_date + expected_from_open + expected_from_new as p50,
        -- To 4 decimals before the cents: the engines' square roots may differ in the last bits.
        cast({{ var('forecast_band_z') }} * sqrt(outcome_variance) as decimal(38, 4)) as band
    from combined
),

final as (
    select
        quarter_start,
        quarter_end,
        forecast_date,
        cast(week_of_quarter as integer) as week_of_quarter,
        forecast_level,
        member_id,
        cast(closed_won_to_date as decimal(18, 2)) as closed_won_to_date,
        cast(open_pipeline as decimal(18, 2)) as open_pipeline,
        cast(expected_from_open as decimal(18, 2)) as expected_from_open,
        cast(expected_from_new as decimal(18, 2)) as expected_from_new,
        cast(case when p50 - band < closed_won_to_date then closed_won_to_date else p50 - band end as decimal(18, 2))
            as forecast_p10,
        cast(p50 as decimal(18, 2)) as forecast_p50,
        cast(p50 + band as decimal(18, 2)) as forecast_p90,
        cast(closed_won_to_date + weighted_open as decimal(18, 2)) as weighted_pipeline_forecast,
        cast(closed_won_to_date + commit_open as decimal(18, 2)) as commit_forecast,
        cast(closed_won_to_date + commit_open + best_case_open as decimal(18, 2)) as best_case_forecast,
        cast(submitted_commit_call as decimal(18, 2)) as submitted_commit_call,
        cast(submitted_best_case_call as decimal(18, 2)) as submitted_best_case_call,
        cast(case when is_quarter_complete then won_in_quarter end as decimal(18, 2)) as final_bookings
    from forecast
)

select * from final
