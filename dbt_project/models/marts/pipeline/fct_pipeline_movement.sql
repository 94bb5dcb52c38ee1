{{ config(**movement_period_fact_config()) }}
-- The pipeline waterfall per period grain × period × pipeline scope × rep:
-- open_at_start + created + reopened + pulled_in + transferred_in + increased − decreased
-- − pushed_out − transferred_out − won − lost − removed + fx_revaluation = open_at_end, exactly.
-- The buckets are sums of fct_pipeline_movement_bridge (converted at the start rate); the start
-- and end come from the same legs: all that moved the rep's pipeline before the period starts,
-- and until it is measured. Each currency converts at its boundary's rate; fx_revaluation is
-- what the rates changed. Outflows are positive amounts subtracted in the identity.
-- Incremental like its bridge (the same periods, var('movement_lookback_days')): a run deletes
-- the periods it recomputes and builds every period the table no longer holds; past periods stay
-- as they are, as their bridge rows do.
with

legs as (
    select * from {{ ref('int_pipeline_legs') }}
),

periods as (
    select * from {{ ref('int_calendar_periods') }}
),

-- The periods this build writes (every period on a full build).
built_periods as (
    -- The alias is read by the incremental filter.
    select * from {{ ref('int_calendar_periods') }} as calendar_periods  -- noqa: AL05
    {% if is_incremental() %}
    where {{ periods_to_rebuild('calendar_periods', this, var('movement_lookback_days')) }}
    {% endif %}
),

period_fx_rates as (
    select * from {{ ref('int_pipeline_period_fx_rates') }}
),

bridge as (
    select bridge_rows.*
    from {{ ref('fct_pipeline_movement_bridge') }} as bridge_rows
    inner join built_periods
        on bridge_rows.period_grain = built_periods.period_grain
        and bridge_rows.period_start = built_periods.period_start
),

memberships as (
    select * from {{ ref('int_rep_team_memberships_enriched') }}
),

placed as (
    {{ legs_by_period('legs') }}
),

-- closing_in_period: the legs of deals closing in the period, up to the day it is measured.
closing_balances as (
    select
        placed.period_grain,
        placed.period_start,
        placed.pipeline_scope,
        placed.rep_id,
        placed.currency_code,
        sum(case when placed.changed_on < placed.period_start then placed.amount else 0 end) as start_amount,
        sum(placed.amount) as end_amount
    from placed
    inner join built_periods as periods
        on placed.period_grain = periods.period_grain
        and placed.period_start = periods.period_start
    where placed.pipeline_scope = 'closing_in_period'
        and placed.changed_on <= periods.measured_on
    group by placed.period_grain, placed.period_start, placed.pipeline_scope, placed.rep_id, placed.currency_code
),

-- all_open: the running sum of every leg, period by period, from the rep's first one.
open_period_totals as (
    select
        period_grain,
        period_start,
        rep_id,
        currency_code,
        sum(amount) as moved_amount
    from placed
    where pipeline_scope = 'all_open'
    group by period_grain, period_start, rep_id, currency_code
),

open_first_periods as (
    select
        period_grain,
        rep_id,
        currency_code,
        min(period_start) as first_period_start
    from open_period_totals
    group by period_grain, rep_id, currency_code
),

-- The periods of the running sum: the calendar's, and any a leg falls in before the calendar
-- starts (var calendar_start_date), so deals opened earlier still count at the start.
open_spine_periods as (
    select
        period_grain,
        period_start
    from periods
    union
    select
        period_grain,
        period_start
    from open_period_totals
),

open_running as (
    select
        spine.period_grain,
        spine.period_start,
        firsts.rep_id,
        firsts.currency_code,
        coalesce(sum(totals.moved_amount) over (
            partition by spine.period_grain, firsts.rep_id, firsts.currency_code
            order by spine.period_start rows between unbounded preceding and 1 preceding
        ), 0) as start_amount,
        sum(coalesce(totals.moved_amount, 0)) over (
            partition by spine.period_grain, firsts.rep_id, firsts.currency_code
            order by spine.period_start rows between unbounded preceding and current row
        ) as end_amount
    from open_first_periods as firsts
    inner join open_spine_periods as spine
        on firsts.period_grain = spine.period_grain
        and firsts.first_period_start <= spine.period_start
    left join open_period_totals as totals
        on spine.period_grain = totals.period_grain
        and spine.period_start = totals.period_start
        and firsts.rep_id = totals.rep_id
        and firsts.currency_code = totals.currency_code
),

-- The running sum covers every period (it starts at the rep's first leg); the built ones are kept.
open_balances as (
    select
        open_running.period_grain,
        open_running.period_start,
        'all_open' as pipeline_scope,
        open_running.rep_id,
        open_running.currency_code,
        open_running.start_amount,
        open_running.end_amount
    from open_running
    inner join built_periods
        on open_running.period_grain = built_periods.period_grain
        and open_running.period_start = built_periods.period_start
),

balances as (
    select * from closing_balances
    union all
    select * from open_balances
),

rep_balances as (
    select
        balances.period_grain,
        balances.period_start,
        balances.pipeline_scope,
        balances.rep_id,
        sum({{ round_money('balances.start_amount * period_fx_rates.start_rate') }}) as open_at_start,
        sum({{ round_money('balances.end_amount * period_fx_rates.end_rate') }}) as open_at_end
    from balances
    left join period_fx_rates
        on balances.period_grain = period_fx_rates.period_grain
        and balances.period_start = period_fx_rates.period_start
        and balances.currency_code = period_fx_rates.currency_code
    group by balances.period_grain, balances.period_start, balances.pipeline_scope, balances.rep_id
),

{% set inflows = ['created', 'reopened', 'pulled_in', 'transferred_in', 'increased'] %}
{% set outflows = ['decreased', 'pushed_out', 'transferred_out', 'won', 'lost', 'removed'] %}

rep_movements as (
    select
        period_grain,
        period_start,
        pipeline_scope,
        rep_id,
        count(distinct opportunity_id) as opportunity_count,
        {% for bucket in inflows %}
        sum(case when movement_bucket = '{{ bucket }}' then movement_amount else 0 end) as {{ bucket }},
        {% endfor %}
        {% for bucket in outflows %}
        -1 * sum(case when movement_bucket = '{{ bucket }}' then movement_amount else 0 end) as {{ bucket }},
        {% endfor %}
        sum(movement_amount) as net_movement
    from bridge
    group by period_grain, period_start, pipeline_scope, rep_id
),

final as (
    select
        rep_balances.period_grain,
        rep_balances.period_start,
        periods.period_end,
        rep_balances.pipeline_scope,
        rep_balances.rep_id,
        memberships.team_id,
        memberships.region,
        cast(coalesce(rep_movements.opportunity_count, 0) as integer) as opportunity_count,
        cast(rep_balances.open_at_start as decimal(18, 2)) as open_at_start,
        {% for bucket in inflows + outflows %}
        cast(coalesce(rep_movements.{{ bucket }}, 0) as decimal(18, 2)) as {{ bucket }},
        {% endfor %}
        cast(
            rep_balances.open_at_end - rep_balances.open_at_start - coalesce(rep_movements.net_movement, 0)
            as decimal(18, 2)
        ) as fx_revaluation,
        cast(rep_balances.open_at_end as decimal(18, 2)) as open_at_end
    from rep_balances
    inner join built_periods as periods
        on rep_balances.period_grain = periods.period_grain
        and rep_balances.period_start = periods.period_start
    left join rep_movements
        on rep_balances.period_grain = rep_movements.period_grain
        and rep_balances.period_start = rep_movements.period_start
        and rep_balances.pipeline_scope = rep_movements.pipeline_scope
        and rep_balances.rep_id = rep_movements.rep_id
    left join memberships
        on rep_balances.rep_id = memberships.user_id
        and {{ is_valid_on('periods.period_end', 'memberships') }}
    where rep_balances.open_at_start <> 0
        or rep_balances.open_at_end <> 0
        or rep_movements.rep_id is not null
)

select * from final
