-- Quota attainment per period grain (month, fiscal quarter, fiscal year) × level (rep, team,
-- territory, region, manager) × member, for every period begun by the as-of date. A manager's
-- rows add up every rep below them in the CRM's org (int_user_manager_chains) as it was at the
-- end of each month. Every figure is a sum
-- of rep-months (int_quota_rep_months), so a team is exactly its reps and a quarter exactly its
-- months. Forecast = bookings + open Commit + probability-weighted open Best Case, from the
-- pipeline on the day the period is measured (its last day, or the as-of date while it runs),
-- for deals closing in the period, credited to the owner's rep-month of the close date.
with

rep_months as (
    select * from {{ ref('int_quota_rep_months') }}
),

periods as (
    select * from {{ ref('int_calendar_periods') }}
    where period_grain in ('month', 'quarter', 'year')
),

snapshots as (
    select * from {{ ref('fct_pipeline_snapshots') }}
),

manager_chains as (
    select * from {{ ref('int_user_manager_chains') }}
),

users as (
    select * from {{ ref('int_crm_users') }}
),

rep_month_periods as (
    select
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        rep_months.*
    from periods
    inner join rep_months
        on (periods.period_grain = 'month' and periods.period_start = rep_months.month_start)
        or (periods.period_grain = 'quarter' and periods.period_start = rep_months.quarter_start)
        or (periods.period_grain = 'year' and periods.period_start = rep_months.year_start)
),

open_forecast as (
    select
        rep_month_periods.period_grain,
        rep_month_periods.period_start,
        rep_month_periods.quota_id,
        rep_month_periods.month_start,
        sum(case when snapshots.forecast_category = 'Commit' then snapshots.amount_reporting else 0 end) as commit_amount,
        sum(case when snapshots.forecast_category = 'Best Case' then snapshots.weighted_amount_reporting else 0 end) as best_case_weighted_amount
    from rep_month_periods
    inner join periods
        on rep_month_periods.period_grain = periods.period_grain
        and rep_month_periods.period_start = periods.period_start
    inner join snapshots
        on periods.measured_on = snapshots.snapshot_date
        and rep_month_periods.rep_id = snapshots.owner_id
        and snapshots.close_date between rep_month_periods.month_start and rep_month_periods.month_end
    group by
        rep_month_periods.period_grain,
        rep_month_periods.period_start,
        rep_month_periods.quota_id,
        rep_month_periods.month_start
),

units as (
    select
        rep_month_periods.*,
        coalesce(open_forecast.commit_amount, 0) as commit_amount,
        coalesce(open_forecast.best_case_weighted_amount, 0) as best_case_weighted_amount
    from rep_month_periods
    left join open_forecast
        on rep_month_periods.period_grain = open_forecast.period_grain
        and rep_month_periods.period_start = open_forecast.period_start
        and rep_month_periods.quota_id = open_forecast.quota_id
        and rep_month_periods.month_start = open_forecast.month_start
),

manager_units as (
    select
        units.*,
        manager_chains.manager_id,
        managers.user_name as manager_name
    from units
    inner join manager_chains
        on units.rep_id = manager_chains.user_id
        and units.month_start = manager_chains.month_start
    left join users as managers
        on manager_chains.manager_id = managers.user_id
),

{% set levels = [
    ('rep', 'rep_id', 'rep_name', 'units'),
    ('team', 'team_id', 'team_name', 'units'),
    ('territory', 'territory_id', 'territory_name', 'units'),
    ('region', 'region', 'region', 'units'),
    ('manager', 'manager_id', 'manager_name', 'manager_units'),
] %}

per_level as (
    {% for level, id_column, name_column, relation in levels %}
    select
        period_grain,
        period_start,
        period_end,
        '{{ level }}' as attainment_level,
        {{ id_column }} as member_id,
        max({{ name_column }}) as member_name,
        count(distinct rep_id) as rep_count,
        sum(quota_amount) as quota_amount,
        sum(bookings_credited) as bookings_credited,
        sum(commit_amount) as commit_amount,
        sum(best_case_weighted_amount) as best_case_weighted_amount
    from {{ relation }}
    where {{ id_column }} is not null
    group by period_grain, period_start, period_end, {{ id_column }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

with_elapsed_share as (
    select
        per_level.*,
        {{ divide(dbt.datediff('per_level.period_start', 'periods.measured_on', 'day') ~ ' + 1',
                  dbt.datediff('per_level.period_start', 'per_level.period_end', 'day') ~ ' + 1') }} as elapsed_share
    from per_level
    inner join periods
        on per_level.period_grain = periods.period_grain
        and per_level.period_start = periods.period_start
),

final as (
    select
        {{ dbt.hash("period_grain || '|' || cast(period_start as " ~ dbt.type_string() ~ ") || '|' || attainment_level || '|' || member_id") }} as attainment_id,
        period_grain,
        period_start,
        period_end,
        attainment_level,
        member_id,
        member_name,
        cast(rep_count as integer) as rep_count,
        cast(quota_amount as decimal(18, 2)) as quota_amount,
        cast(bookings_credited as decimal(18, 2)) as bookings_credited,
        cast({{ divide('bookings_credited * 100', 'quota_amount', 2) }} as decimal(18, 2)) as attainment_pct,
        cast(quota_amount - bookings_credited as decimal(18, 2)) as quota_gap,
        cast(elapsed_share as decimal(18, 6)) as elapsed_share,
        cast({{ divide('bookings_credited * 100', 'quota_amount * elapsed_share', 2) }} as decimal(18, 2)) as pacing_pct,
        cast(commit_amount as decimal(18, 2)) as commit_amount,
        cast(best_case_weighted_amount as decimal(18, 2)) as best_case_weighted_amount,
        cast(bookings_credited + commit_amount + best_case_weighted_amount as decimal(18, 2)) as forecast_amount,
        cast({{ divide('(bookings_credited + commit_amount + best_case_weighted_amount) * 100', 'quota_amount', 2) }} as decimal(18, 2)) as forecast_attainment_pct
    from with_elapsed_share
)

select * from final
