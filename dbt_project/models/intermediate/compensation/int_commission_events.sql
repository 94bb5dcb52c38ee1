-- Crediting events in the order commission accrues: within a commission period (rep × quota
-- period × plan), by credit date, then opportunity id, then credit id. measure_before and
-- measure_after are the period's cumulative credited measure around the event (plan currency);
-- an event outside every commission period (no quota, or no plan in force) earns no commission.
with

crediting_events as (
    select * from {{ ref('fct_crediting_events') }}
),

periods as (
    select * from {{ ref('int_commission_periods') }}
),

matched as (
    select
        crediting_events.credit_id,
        crediting_events.opportunity_id,
        crediting_events.user_id,
        crediting_events.credit_date,
        crediting_events.credit_type,
        crediting_events.opportunity_type,
        crediting_events.split_pct,
        crediting_events.fx_rate_used,
        crediting_events.fx_rate_source,
        crediting_events.credited_amount_plan_currency,
        crediting_events.credited_measure,
        periods.commission_period_id,
        periods.plan_id,
        periods.plan_version,
        periods.segment_start,
        periods.segment_end,
        periods.quota_amount
    from crediting_events
    inner join periods
        on crediting_events.user_id = periods.user_id
        and crediting_events.plan_id = periods.plan_id
        and crediting_events.credit_date between periods.segment_start and periods.segment_end
),

final as (
    select
        matched.*,
        coalesce(sum(matched.credited_measure) over (
            partition by matched.commission_period_id
            order by matched.credit_date, matched.opportunity_id, matched.credit_id
            rows between unbounded preceding and 1 preceding
        ), 0) as measure_before,
        sum(matched.credited_measure) over (
            partition by matched.commission_period_id
            order by matched.credit_date, matched.opportunity_id, matched.credit_id
            rows between unbounded preceding and current row
        ) as measure_after
    from matched
)

select * from final
