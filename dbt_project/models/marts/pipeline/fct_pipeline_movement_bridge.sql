{{ config(**movement_period_fact_config()) }}
-- Why each deal's value moved in a rep's pipeline over a period, from its dated changes
-- (int_pipeline_legs): one row per period grain × period × pipeline scope × rep × deal ×
-- bucket, summing the deal's legs of that bucket inside the period. A deal can move through
-- several buckets in one period (created, increased, won), each at the value of its moment, so
-- deals created and closed inside a period show too. A close date moved within one period is no
-- movement of it (its exit and entry net out). Amounts convert at the period's start rate;
-- fct_pipeline_movement adds the FX revaluation. Incremental: a run deletes the periods that end
-- within var('movement_lookback_days') of the as-of date (or since the last week it holds) and
-- builds them again, with every period it no longer holds; past periods stay as they are.
with

legs as (
    select * from {{ ref('int_pipeline_legs') }}
),

periods as (
    -- The alias is read by the incremental filter.
    select * from {{ ref('int_calendar_periods') }} as calendar_periods  -- noqa: AL05
    {% if is_incremental() %}
    -- The pre-hook deleted the periods to recompute: build each period the table no longer holds.
    where {{ periods_to_rebuild('calendar_periods', this, var('movement_lookback_days')) }}
    {% endif %}
),

period_fx_rates as (
    select * from {{ ref('int_pipeline_period_fx_rates') }}
),

placed as (
    {{ legs_by_period('legs') }}
),

in_period as (
    select
        placed.*,
        periods.period_end,
        count(case when placed.leg_kind = 'exit' then 1 end) over same_change > 0
        and count(case when placed.leg_kind = 'entry' then 1 end) over same_change > 0
            as stayed_in_period
    from placed
    inner join periods
        on placed.period_grain = periods.period_grain
        and placed.period_start = periods.period_start
    where placed.changed_on between periods.period_start and periods.measured_on
    window same_change as (
        partition by
            placed.period_grain, placed.period_start, placed.pipeline_scope,
            placed.rep_id, placed.opportunity_id, placed.changed_on
    )
),

per_bucket as (
    select
        period_grain,
        period_start,
        period_end,
        pipeline_scope,
        rep_id,
        opportunity_id,
        movement_bucket,
        currency_code,
        count(*) as change_count,
        min(changed_on) as first_changed_on,
        max(changed_on) as last_changed_on,
        sum(amount) as amount_moved
    from in_period
    where not (stayed_in_period and leg_kind in ('exit', 'entry'))
    group by
        period_grain, period_start, period_end, pipeline_scope, rep_id, opportunity_id,
        movement_bucket, currency_code
),

final as (
    select
        per_bucket.period_grain,
        per_bucket.period_start,
        per_bucket.period_end,
        per_bucket.pipeline_scope,
        per_bucket.rep_id,
        per_bucket.opportunity_id,
        per_bucket.movement_bucket,
        cast(per_bucket.change_count as integer) as change_count,
        per_bucket.first_changed_on,
        per_bucket.last_changed_on,
        per_bucket.currency_code,
        cast(per_bucket.amount_moved as decimal(18, 2)) as amount_moved,
        period_fx_rates.start_rate as rate_to_reporting,
        {{ round_money('per_bucket.amount_moved * period_fx_rates.start_rate') }} as movement_amount
    from per_bucket
    left join period_fx_rates
        on per_bucket.period_grain = period_fx_rates.period_grain
        and per_bucket.period_start = period_fx_rates.period_start
        and per_bucket.currency_code = period_fx_rates.currency_code
)

select * from final
