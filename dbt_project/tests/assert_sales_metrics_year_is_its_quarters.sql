{{ config(meta={'dagster': {'ref': {'name': 'fct_sales_metrics'}}}) }}  -- shown in Dagster as a check on fct_sales_metrics
-- A fiscal year's closed deals are its quarters' (a deal closes in exactly one quarter), and its
-- open pipeline is its last quarter's (both are measured on the same day). Rows returned are
-- members and years where the year disagrees.
with

metrics as (
    select * from {{ ref('fct_sales_metrics') }}
),

calendar as (
    select * from {{ ref('int_calendar_periods') }}
),

quarters as (
    select
        years.period_start as year_start,
        metrics.metric_level,
        metrics.member_id,
        sum(metrics.won_deal_count) as won_deal_count,
        sum(metrics.lost_deal_count) as lost_deal_count,
        sum(metrics.won_amount) as won_amount,
        sum(metrics.lost_amount) as lost_amount,
        sum(case when quarter_periods.measured_on = years.measured_on then metrics.open_deal_count end)
            as open_deal_count
    from metrics
    inner join calendar as quarter_periods
        on quarter_periods.period_grain = 'quarter'
        and metrics.period_start = quarter_periods.period_start
    inner join calendar as years
        on years.period_grain = 'year'
        and quarter_periods.period_start between years.period_start and years.period_end
    where metrics.period_grain = 'quarter'
    group by years.period_start, metrics.metric_level, metrics.member_id
),

years as (
    select * from metrics
    where period_grain = 'year'
)

select
    coalesce(years.period_start, quarters.year_start) as year_start,
    coalesce(years.metric_level, quarters.metric_level) as metric_level,
    coalesce(years.member_id, quarters.member_id) as member_id
from years
full outer join quarters
    on years.period_start = quarters.year_start
    and years.metric_level = quarters.metric_level
    and years.member_id = quarters.member_id
where coalesce(years.won_deal_count, 0) != coalesce(quarters.won_deal_count, 0)
    or coalesce(years.lost_deal_count, 0) != coalesce(quarters.lost_deal_count, 0)
    or coalesce(years.won_amount, 0) != coalesce(quarters.won_amount, 0)
    or coalesce(years.lost_amount, 0) != coalesce(quarters.lost_amount, 0)
    or coalesce(years.open_deal_count, 0) != coalesce(quarters.open_deal_count, 0)
