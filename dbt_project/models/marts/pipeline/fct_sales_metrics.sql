-- Sales metrics per period grain (month, fiscal quarter, fiscal year) × level (rep, team, region,
-- manager) × member. A manager's rows add up the reps below them in the CRM's org as it was at the
-- end of the month of each close date (closed deals) or measuring day (pipeline, slippage).
-- Closed deals count in the period of their close date, with the owner's team at close; open
-- pipeline is the pipeline on the day the period is measured (its last day, or the as-of date
-- while it runs), with the owner's team that day. Definitions: see the column docs and the
-- metrics glossary (models/docs.md).
-- The fiscal quarter after the as-of date's is there too once its quotas are set (the plan files
-- carry them ahead): its quota and the pipeline due in it as measured on the as-of date, for
-- next-quarter coverage.
with

rep_months as (
    select * from {{ ref('int_quota_rep_months') }}
),

upcoming_quarter as (
    select
        'quarter' as period_grain,
        cast({{ dbt.dateadd('month', 3, period_start('quarter', as_of_date())) }} as date) as period_start
),

upcoming_quarter_with_quotas as (
    select
        upcoming_quarter.period_grain,
        upcoming_quarter.period_start,
        {{ period_end('quarter', 'upcoming_quarter.period_start') }} as period_end,
        {{ as_of_date() }} as measured_on
    from upcoming_quarter
    where upcoming_quarter.period_start in (select rep_months.quarter_start from rep_months)
),

periods as (
    select
        period_grain,
        period_start,
        period_end,
        measured_on
    from {{ ref('int_calendar_periods') }}
    where period_grain in ('month', 'quarter', 'year')
    union all
    select
        period_grain,
        period_start,
        period_end,
        measured_on
    from upcoming_quarter_with_quotas
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
    where not is_open
),

-- Only the days a period is measured on: the table holds every day.
snapshots as (
    select * from {{ ref('fct_pipeline_snapshots') }}
    where snapshot_date in (select periods.measured_on from periods)
),

attainment as (
    select * from {{ ref('fct_quota_attainment') }}
    where attainment_level in ('rep', 'team', 'region', 'manager')
),

manager_chains as (
    select * from {{ ref('int_user_manager_chains') }}
),

movement as (
    select * from {{ ref('fct_pipeline_movement') }}
),

upcoming_quotas as (
    {% for level, column in [('rep', 'rep_id'), ('team', 'team_id'), ('region', 'region')] %}
    select
        upcoming_quarter_with_quotas.period_grain,
        upcoming_quarter_with_quotas.period_start,
        '{{ level }}' as metric_level,
        rep_months.{{ column }} as member_id,
        sum(rep_months.quota_amount) as quota_amount,
        -- Nothing can be credited in a quarter that has not begun.
        cast(0 as decimal(18, 2)) as bookings_credited
    from upcoming_quarter_with_quotas
    inner join rep_months
        on upcoming_quarter_with_quotas.period_start = rep_months.quarter_start
    where rep_months.{{ column }} is not null
    group by upcoming_quarter_with_quotas.period_grain, upcoming_quarter_with_quotas.period_start, rep_months.{{ column }}
    union all
    {% endfor %}
    select
        upcoming_quarter_with_quotas.period_grain,
        upcoming_quarter_with_quotas.period_start,
        'manager' as metric_level,
        manager_chains.manager_id as member_id,
        sum(rep_months.quota_amount) as quota_amount,
        cast(0 as decimal(18, 2)) as bookings_credited
    from upcoming_quarter_with_quotas
    inner join rep_months
        on upcoming_quarter_with_quotas.period_start = rep_months.quarter_start
    inner join manager_chains
        on rep_months.rep_id = manager_chains.user_id
        and rep_months.month_start = manager_chains.month_start
    group by upcoming_quarter_with_quotas.period_grain, upcoming_quarter_with_quotas.period_start, manager_chains.manager_id
),

quotas as (
    select
        period_grain,
        period_start,
        attainment_level as metric_level,
        member_id,
        quota_amount,
        bookings_credited
    from attainment
    union all
    select
        period_grain,
        period_start,
        metric_level,
        member_id,
        quota_amount,
        bookings_credited
    from upcoming_quotas
),

-- Each closed deal and each measured open deal once per manager above its owner that month.
closed_by_manager as (
    select
        opportunities.*,
        manager_chains.manager_id
    from opportunities
    inner join manager_chains
        on opportunities.owner_id = manager_chains.user_id
        -- The chains are per calendar month: an equality join, not a range.
        and {{ period_start('month', 'opportunities.close_date') }} = manager_chains.month_start
),

measured_by_manager as (
    select
        snapshots.*,
        manager_chains.manager_id
    from snapshots
    inner join manager_chains
        on snapshots.owner_id = manager_chains.user_id
        and {{ period_start('month', 'snapshots.snapshot_date') }} = manager_chains.month_start
),

{% set levels = [
    ('rep', 'owner_id', 'opportunities', 'snapshots'),
    ('team', 'team_id', 'opportunities', 'snapshots'),
    ('region', 'region', 'opportunities', 'snapshots'),
    ('manager', 'manager_id', 'closed_by_manager', 'measured_by_manager'),
] %}

closed_deals as (
    {% for level, column, closed, _ in levels %}
    select
        periods.period_grain,
        periods.period_start,
        '{{ level }}' as metric_level,
        opportunities.{{ column }} as member_id,
        sum(case when opportunities.is_won then 1 else 0 end) as won_deal_count,
        sum(case when opportunities.is_lost then 1 else 0 end) as lost_deal_count,
        sum(case when opportunities.is_won then opportunities.amount_reporting else 0 end) as won_amount,
        sum(case when opportunities.is_lost then opportunities.amount_reporting else 0 end) as lost_amount,
        sum(case when opportunities.is_won then opportunities.age_days else 0 end) as won_cycle_days
    from periods
    inner join {{ closed }} as opportunities
        on opportunities.close_date between periods.period_start and periods.measured_on
    where opportunities.{{ column }} is not null
    group by periods.period_grain, periods.period_start, opportunities.{{ column }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

open_pipeline as (
    {% for level, column, _, measured in levels %}
    select
        periods.period_grain,
        periods.period_start,
        '{{ level }}' as metric_level,
        snapshots.{{ column }} as member_id,
        count(*) as open_deal_count,
        sum(snapshots.amount_reporting) as open_pipeline_amount,
        sum(snapshots.weighted_amount_reporting) as weighted_pipeline_amount,
        sum(
            case when snapshots.close_date between periods.period_start and periods.period_end
                    then snapshots.amount_reporting
                else 0
            end
        ) as pipeline_due_in_period_amount
    from periods
    inner join {{ measured }} as snapshots
        on periods.measured_on = snapshots.snapshot_date
    where snapshots.{{ column }} is not null
    group by periods.period_grain, periods.period_start, snapshots.{{ column }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

slippage as (
    {% for level, column in [('rep', 'rep_id'), ('team', 'team_id'), ('region', 'region')] %}
    select
        period_grain,
        period_start,
        '{{ level }}' as metric_level,
        {{ column }} as member_id,
        sum(pushed_out) as slipped_amount
    from movement
    where period_grain in ('month', 'quarter', 'year')
        and pipeline_scope = 'closing_in_period'
        and {{ column }} is not null
    group by period_grain, period_start, {{ column }}
    union all
    {% endfor %}
    select
        movement.period_grain,
        movement.period_start,
        'manager' as metric_level,
        manager_chains.manager_id as member_id,
        sum(movement.pushed_out) as slipped_amount
    from movement
    inner join periods
        on movement.period_grain = periods.period_grain
        and movement.period_start = periods.period_start
    inner join manager_chains
        on movement.rep_id = manager_chains.user_id
        and {{ period_start('month', 'periods.measured_on') }} = manager_chains.month_start
    where movement.period_grain in ('month', 'quarter', 'year')
        and movement.pipeline_scope = 'closing_in_period'
    group by movement.period_grain, movement.period_start, manager_chains.manager_id
),

member_periods as (
    select
        period_grain,
        period_start,
        metric_level,
        member_id
    from closed_deals
    union
    select
        period_grain,
        period_start,
        metric_level,
        member_id
    from open_pipeline
    union
    select
        period_grain,
        period_start,
        metric_level,
        member_id
    from quotas
    union
    select
        period_grain,
        period_start,
        metric_level,
        member_id
    from slippage
),

combined as (
    select
        member_periods.period_grain,
        member_periods.period_start,
        member_periods.metric_level,
        member_periods.member_id,
        coalesce(closed_deals.won_deal_count, 0) as won_deal_count,
        coalesce(closed_deals.lost_deal_count, 0) as lost_deal_count,
        coalesce(closed_deals.won_amount, 0) as won_amount,
        coalesce(closed_deals.lost_amount, 0) as lost_amount,
        closed_deals.won_cycle_days,
        coalesce(open_pipeline.open_deal_count, 0) as open_deal_count,
        coalesce(open_pipeline.open_pipeline_amount, 0) as open_pipeline_amount,
        coalesce(open_pipeline.weighted_pipeline_amount, 0) as weighted_pipeline_amount,
        coalesce(open_pipeline.pipeline_due_in_period_amount, 0) as pipeline_due_in_period_amount,
        quotas.quota_amount,
        quotas.bookings_credited,
        coalesce(slippage.slipped_amount, 0) as slipped_amount
    from member_periods
    left join closed_deals
        on member_periods.period_grain = closed_deals.period_grain
        and member_periods.period_start = closed_deals.period_start
        and member_periods.metric_level = closed_deals.metric_level
        and member_periods.member_id = closed_deals.member_id
    left join open_pipeline
        on member_periods.period_grain = open_pipeline.period_grain
        and member_periods.period_start = open_pipeline.period_start
        and member_periods.metric_level = open_pipeline.metric_level
        and member_periods.member_id = open_pipeline.member_id
    left join quotas
        on member_periods.period_grain = quotas.period_grain
        and member_periods.period_start = quotas.period_start
        and member_periods.metric_level = quotas.metric_level
        and member_periods.member_id = quotas.member_id
    left join slippage
        on member_periods.period_grain = slippage.period_grain
        and member_periods.period_start = slippage.period_start
        and member_periods.metric_level = slippage.metric_level
        and member_periods.member_id = slippage.member_id
),

with_ratios as (
    select
        combined.*,
        {{ divide('won_amount', 'won_deal_count', 2) }} as average_deal_size,
        {{ divide('won_deal_count * 100', 'won_deal_count + lost_deal_count', 2) }} as win_rate_by_count_pct,
        {{ divide('won_amount * 100', 'won_amount + lost_amount', 2) }} as win_rate_by_value_pct,
        {{ divide('won_cycle_days', 'won_deal_count', 2) }} as sales_cycle_days
    from combined
),

final as (
    select
        {{ dbt.hash("period_grain || '|' || cast(period_start as " ~ dbt.type_string() ~ ") || '|' || metric_level || '|' || member_id") }} as sales_metric_id,
        period_grain,
        period_start,
        metric_level,
        member_id,
        cast(won_deal_count as integer) as won_deal_count,
        cast(lost_deal_count as integer) as lost_deal_count,
        cast(won_amount as decimal(18, 2)) as won_amount,
        cast(lost_amount as decimal(18, 2)) as lost_amount,
        cast(average_deal_size as decimal(18, 2)) as average_deal_size,
        cast(win_rate_by_count_pct as decimal(9, 2)) as win_rate_by_count_pct,
        cast(win_rate_by_value_pct as decimal(9, 2)) as win_rate_by_value_pct,
        cast(sales_cycle_days as decimal(18, 2)) as sales_cycle_days,
        cast(open_deal_count as integer) as open_deal_count,
        cast(open_pipeline_amount as decimal(18, 2)) as open_pipeline_amount,
        cast(weighted_pipeline_amount as decimal(18, 2)) as weighted_pipeline_amount,
        cast({{ divide('open_deal_count * average_deal_size * win_rate_by_count_pct', 'sales_cycle_days * 100', 2) }} as decimal(18, 2)) as sales_velocity_per_day,
        cast(pipeline_due_in_period_amount as decimal(18, 2)) as pipeline_due_in_period_amount,
        cast(quota_amount as decimal(18, 2)) as quota_amount,
        cast(bookings_credited as decimal(18, 2)) as bookings_credited,
        cast(
            case when quota_amount - bookings_credited > 0
                    then {{ divide('pipeline_due_in_period_amount', 'quota_amount - bookings_credited', 2) }}
            end as decimal(18, 2)
        ) as pipeline_coverage_ratio,
        cast(slipped_amount as decimal(18, 2)) as slipped_amount
    from with_ratios
)

select * from final
