-- Why each deal's value moved in a rep's pipeline over a period: one row per period grain ×
-- period × rep × opportunity that was in the rep's period pipeline at its start or at its end.
-- A rep's pipeline for a period = opportunities open, not deleted, owned by the rep, with a
-- close date inside the period. Start = the end of the day before the period; end = the end of
-- its last day (the as-of date while it runs). Values convert at the boundary day's rate.
--
-- Each row lands in exactly one bucket, tested in this order:
--   in both:   increased / decreased / unchanged by (end amount at the start rate − start
--              value); the rest of the change (end rate vs start rate) is fx_revaluation.
--   only end:  created (did not exist at start), reopened (closed or deleted at start),
--              transferred_in (another owner at start), pulled_in (close date moved in).
--   only start: removed (deleted), won, lost, transferred_out (another owner at end),
--              pushed_out (close date moved out of the period).
-- A deal created and closed inside one period was never open at either boundary: not a row.
-- end_value = start_value + movement_amount + fx_revaluation on every row, to the cent.
with

periods as (
    select * from {{ ref('int_calendar_periods') }}
),

states as (
    select * from {{ ref('int_opportunity_states_historized') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_ranged') }}
),

boundaries as (
    select period_grain, period_start, period_end, 'start' as boundary, day_before_start as boundary_date
    from periods
    union all
    select period_grain, period_start, period_end, 'end' as boundary, measured_on as boundary_date
    from periods
),

boundary_states as (
    select
        boundaries.period_grain,
        boundaries.period_start,
        boundaries.period_end,
        boundaries.boundary,
        states.opportunity_id,
        states.owner_id,
        states.amount,
        states.currency_code,
        states.close_date,
        states.is_open,
        states.is_won,
        states.is_lost,
        states.is_deleted,
        fx_rates.rate_to_reporting,
        states.is_open
            and not states.is_deleted
            and states.close_date between boundaries.period_start and boundaries.period_end as is_in_period_pipeline
    from boundaries
    inner join states
        on {{ is_valid_on('boundaries.boundary_date', 'states') }}
    left join fx_rates
        on states.currency_code = fx_rates.currency_code
        and {{ is_valid_on('boundaries.boundary_date', 'fx_rates') }}
),

start_states as (
    select * from boundary_states where boundary = 'start'
),

end_states as (
    select * from boundary_states where boundary = 'end'
),

rep_period_deals as (
    select period_grain, period_start, period_end, opportunity_id, owner_id as rep_id
    from start_states
    where is_in_period_pipeline
    union
    select period_grain, period_start, period_end, opportunity_id, owner_id as rep_id
    from end_states
    where is_in_period_pipeline
),

compared as (
    select
        deals.period_grain,
        deals.period_start,
        deals.period_end,
        deals.rep_id,
        deals.opportunity_id,
        start_states.opportunity_id is not null as existed_at_start,
        coalesce(start_states.is_in_period_pipeline and start_states.owner_id = deals.rep_id, false) as in_start,
        coalesce(end_states.is_in_period_pipeline and end_states.owner_id = deals.rep_id, false) as in_end,
        start_states.is_open as open_at_start,
        start_states.is_deleted as deleted_at_start,
        start_states.owner_id as owner_at_start,
        end_states.owner_id as owner_at_end,
        end_states.is_won as won_at_end,
        end_states.is_lost as lost_at_end,
        end_states.is_deleted as deleted_at_end,
        start_states.close_date as close_date_at_start,
        end_states.close_date as close_date_at_end,
        start_states.currency_code,
        start_states.amount as amount_at_start,
        end_states.amount as amount_at_end,
        {{ round_money('start_states.amount * start_states.rate_to_reporting') }} as value_at_start_rate,
        {{ round_money('end_states.amount * start_states.rate_to_reporting') }} as end_amount_at_start_rate,
        {{ round_money('end_states.amount * end_states.rate_to_reporting') }} as value_at_end_rate
    from rep_period_deals as deals
    left join start_states
        on deals.period_grain = start_states.period_grain
        and deals.period_start = start_states.period_start
        and deals.opportunity_id = start_states.opportunity_id
    left join end_states
        on deals.period_grain = end_states.period_grain
        and deals.period_start = end_states.period_start
        and deals.opportunity_id = end_states.opportunity_id
),

bucketed as (
    select
        compared.*,
        case
            when in_start and in_end then
                case
                    when amount_at_end > amount_at_start then 'increased'
                    when amount_at_end < amount_at_start then 'decreased'
                    else 'unchanged'
                end
            when in_end then
                case
                    when not existed_at_start then 'created'
                    when deleted_at_start or not open_at_start then 'reopened'
                    when owner_at_start <> rep_id then 'transferred_in'
                    else 'pulled_in'
                end
            else
                case
                    when deleted_at_end then 'removed'
                    when won_at_end then 'won'
                    when lost_at_end then 'lost'
                    when owner_at_end <> rep_id then 'transferred_out'
                    else 'pushed_out'
                end
        end as movement_bucket,
        case when in_start then value_at_start_rate else cast(0 as decimal(18, 2)) end as start_value,
        case when in_end then value_at_end_rate else cast(0 as decimal(18, 2)) end as end_value
    from compared
),

final as (
    select
        period_grain,
        period_start,
        period_end,
        rep_id,
        opportunity_id,
        movement_bucket,
        currency_code,
        cast(amount_at_start as decimal(18, 2)) as amount_at_start,
        cast(amount_at_end as decimal(18, 2)) as amount_at_end,
        close_date_at_start,
        close_date_at_end,
        owner_at_start,
        owner_at_end,
        cast(start_value as decimal(18, 2)) as start_value,
        cast(
            case
                when in_start and in_end then end_amount_at_start_rate - start_value
                when in_end then end_value
                else -1 * start_value
            end as decimal(18, 2)
        ) as movement_amount,
        cast(
            case when in_start and in_end then end_value - end_amount_at_start_rate else 0 end as decimal(18, 2)
        ) as fx_revaluation,
        cast(end_value as decimal(18, 2)) as end_value
    from bucketed
)

select * from final
