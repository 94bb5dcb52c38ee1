-- Each rep's selling activity per week and month: calls, e-mails, meetings and other tasks
-- dated in the period (from the CRM's activities), done and still open; the rep's open deals at
-- the period's end (the day's pipeline snapshot, or the as-of date's for the current period),
-- activities per open deal, and the open deals with no activity in the var activity_stale_days
-- days up to that day; and the deals the rep closed in the period by how many activities they
-- had up to their close date (0, 1-4, 5-9, 10+), with each band's win rate. Deals of a CRM whose
-- activities are not linked to deals (HubSpot's, as loaded) are left out of the bands.
{%- set grains = ['week', 'month'] %}
{%- set bands = ['0', '1_4', '5_9', '10_plus'] %}
with

activities as (
    select * from {{ ref('int_crm_activities') }}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

snapshots as (
    select * from {{ ref('fct_pipeline_snapshots') }}
),

periods as (
    select
        period_grain,
        period_start,
        period_end,
        case
            when period_end < {{ as_of_date() }} then period_end else {{ as_of_date() }}
        end as measured_on
    from {{ ref('int_calendar_periods') }}
    where period_grain in ('week', 'month')
),

activity_periods as (
    {%- for grain in grains %}
    select
        '{{ grain }}' as period_grain,
        {{ period_start(grain, 'activities.activity_date') }} as period_start,
        activities.*
    from activities
    where activities.activity_date <= {{ as_of_date() }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

activity_counts as (
    select
        period_grain,
        period_start,
        owner_id as rep_id,
        sum(case when activity_type = 'call' then 1 else 0 end) as calls,
        sum(case when activity_type = 'email' then 1 else 0 end) as emails,
        sum(case when activity_type = 'meeting' then 1 else 0 end) as meetings,
        sum(case when activity_type = 'task' then 1 else 0 end) as other_tasks,
        count(*) as activities,
        sum(case when is_completed then 1 else 0 end) as completed_activities,
        sum(case when not is_completed then 1 else 0 end) as open_activities
    from activity_periods
    group by 1, 2, 3
),

open_at_end as (
    select
        periods.period_grain,
        periods.period_start,
        periods.measured_on,
        snapshots.owner_id as rep_id,
        snapshots.opportunity_id
    from periods
    inner join snapshots on periods.measured_on = snapshots.snapshot_date
),

recently_active as (
    select distinct
        open_at_end.period_grain,
        open_at_end.period_start,
        open_at_end.opportunity_id
    from open_at_end
    inner join activities
        on
        open_at_end.opportunity_id = activities.opportunity_id
        and open_at_end.measured_on >= activities.activity_date
        and activities.activity_date
        > {{ dbt.dateadd('day', -1 * var('activity_stale_days'), 'open_at_end.measured_on') }}
),

open_counts as (
    select
        open_at_end.period_grain,
        open_at_end.period_start,
        open_at_end.rep_id,
        count(*) as open_opportunities,
        sum(case when recently_active.opportunity_id is null then 1 else 0 end) as stale_open_opportunities
    from open_at_end
    left join recently_active
        on
        open_at_end.period_grain = recently_active.period_grain
        and open_at_end.period_start = recently_active.period_start
        and open_at_end.opportunity_id = recently_active.opportunity_id
    group by 1, 2, 3
),

-- CRMs whose activities name the deal they are about.
linking_systems as (
    select distinct source_system from activities
    where opportunity_id is not null
),

closed_deals as (
    select
        opportunities.opportunity_id,
        opportunities.owner_id as rep_id,
        opportunities.close_date,
        opportunities.is_won,
        count(activities.activity_id) as activities_before_close
    from opportunities
    inner join linking_systems on opportunities.source_system = linking_systems.source_system
    left join activities
        on
        opportunities.opportunity_id = activities.opportunity_id
        and opportunities.close_date >= activities.activity_date
    where (opportunities.is_won or opportunities.is_lost) and opportunities.close_date <= {{ as_of_date() }}
    group by 1, 2, 3, 4
),

banded_deals as (
    select
        *,
        case
            when activities_before_close = 0 then '0'
            when activities_before_close <= 4 then '1_4'
            when activities_before_close <= 9 then '5_9'
            else '10_plus'
        end as activity_band
    from closed_deals
),

closed_counts as (
    {%- for grain in grains %}
    select
        '{{ grain }}' as period_grain,
        {{ period_start(grain, 'close_date') }} as period_start,
        rep_id,
        {% for band in bands %}
        sum(case when activity_band = '{{ band }}' then 1 else 0 end) as closed_deals_band_{{ band }},
        sum(case when activity_band = '{{ band }}' and is_won then 1 else 0 end) as won_deals_band_{{ band }},
        {% endfor %}
        count(*) as closed_deals,
        sum(case when is_won then 1 else 0 end) as won_deals
    from banded_deals
    group by 1, 2, 3
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

rep_periods as (
    {%- for counts in ['activity_counts', 'open_counts', 'closed_counts'] %}
    select
        period_grain,
        period_start,
        rep_id
    from {{ counts }}
    {%- if not loop.last %}
    union
    {%- endif %}
    {%- endfor %}
),

named_rep_periods as (
    select * from rep_periods
    where rep_id is not null
),

final as (
    select
        rep_periods.period_grain,
        rep_periods.period_start,
        periods.period_end,
        rep_periods.rep_id,
        cast(coalesce(activity_counts.calls, 0) as integer) as calls,
        cast(coalesce(activity_counts.emails, 0) as integer) as emails,
        cast(coalesce(activity_counts.meetings, 0) as integer) as meetings,
        cast(coalesce(activity_counts.other_tasks, 0) as integer) as other_tasks,
        cast(coalesce(activity_counts.activities, 0) as integer) as activities,
        cast(coalesce(activity_counts.completed_activities, 0) as integer) as completed_activities,
        cast(coalesce(activity_counts.open_activities, 0) as integer) as open_activities,
        cast(coalesce(open_counts.open_opportunities, 0) as integer) as open_opportunities,
        cast(
            {{ divide('coalesce(activity_counts.activities, 0)', 'open_counts.open_opportunities', 2) }}
            as decimal(18, 2)
        ) as activities_per_open_opportunity,
        cast(coalesce(open_counts.stale_open_opportunities, 0) as integer) as stale_open_opportunities,
        cast(coalesce(closed_counts.closed_deals, 0) as integer) as closed_deals,
        {% for band in bands %}
        cast(coalesce(closed_counts.closed_deals_band_{{ band }}, 0) as integer) as closed_deals_band_{{ band }},
        cast(coalesce(closed_counts.won_deals_band_{{ band }}, 0) as integer) as won_deals_band_{{ band }},
        cast(
            {{ divide('closed_counts.won_deals_band_' ~ band, 'closed_counts.closed_deals_band_' ~ band, 4) }}
            as decimal(9, 4)
        ) as win_rate_band_{{ band }},
        {% endfor %}
        cast(coalesce(closed_counts.won_deals, 0) as integer) as won_deals
    from named_rep_periods as rep_periods
    inner join periods
        on rep_periods.period_grain = periods.period_grain and rep_periods.period_start = periods.period_start
    left join activity_counts
        on
        rep_periods.period_grain = activity_counts.period_grain
        and rep_periods.period_start = activity_counts.period_start
        and rep_periods.rep_id = activity_counts.rep_id
    left join open_counts
        on
        rep_periods.period_grain = open_counts.period_grain
        and rep_periods.period_start = open_counts.period_start
        and rep_periods.rep_id = open_counts.rep_id
    left join closed_counts
        on
        rep_periods.period_grain = closed_counts.period_grain
        and rep_periods.period_start = closed_counts.period_start
        and rep_periods.rep_id = closed_counts.rep_id
)

select * from final
