-- In each finished quarter, for each forecast day, the bookings won in the quarter from deals
-- not yet created that day, per rep, team, region and the company (the deal's owner and team as
-- in fct_opportunities): what a forecast must add for deals still to come.
with

weeks as (
    select * from {{ ref('int_forecast_weeks') }}
    where is_quarter_complete
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
    where is_won
),

later_deals as (
    select
        weeks.quarter_start,
        weeks.week_of_quarter,
        opportunities.owner_id,
        opportunities.team_id,
        opportunities.region,
        opportunities.amount_reporting
    from weeks
    inner join opportunities
        on
        weeks.quarter_start <= opportunities.close_date
        and weeks.quarter_end >= opportunities.close_date
        and weeks.forecast_date < opportunities.created_date
),

by_level as (
    {%- for level, column in forecast_levels() %}
    select
        quarter_start,
        week_of_quarter,
        '{{ level }}' as forecast_level,
        {{ column }} as member_id,
        sum(amount_reporting) as new_deal_bookings
    from later_deals
    where {{ column }} is not null
    group by 1, 2, 3, 4
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from by_level
