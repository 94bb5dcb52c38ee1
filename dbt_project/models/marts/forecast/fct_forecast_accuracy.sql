-- Each method's forecast of every finished quarter, as made on each of its forecast days, against
-- the quarter's final bookings, per rep, team, region and the company: the error, the absolute
-- percentage error |forecast - final| ÷ final and the bias (forecast - final) ÷ final (empty where
-- nothing was booked). Methods: statistical (fct_forecast's p50), weighted_pipeline, commit,
-- best_case and submitted_call (the commit call a rep, or a team's manager, had submitted by then).
{%- set methods = [('statistical', 'forecast_p50'), ('weighted_pipeline', 'weighted_pipeline_forecast'),
                   ('commit', 'commit_forecast'), ('best_case', 'best_case_forecast'),
                   ('submitted_call', 'submitted_commit_call')] %}
with

forecasts as (
    select * from {{ ref('fct_forecast') }}
    where final_bookings is not null
),

by_method as (
    {%- for method, column in methods %}
    select
        quarter_start,
        forecast_date,
        week_of_quarter,
        forecast_level,
        member_id,
        '{{ method }}' as forecast_method,
        {{ column }} as forecast_amount,
        final_bookings
    from forecasts
    where {{ column }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        quarter_start,
        forecast_date,
        week_of_quarter,
        forecast_level,
        member_id,
        forecast_method,
        forecast_amount,
        final_bookings,
        cast(forecast_amount - final_bookings as decimal(18, 2)) as forecast_error,
        cast({{ divide('abs(forecast_amount - final_bookings)', 'final_bookings', 4) }} as decimal(18, 4))
            as absolute_percentage_error,
        cast({{ divide('forecast_amount - final_bookings', 'final_bookings', 4) }} as decimal(18, 4)) as bias
    from by_method
)

select * from final
