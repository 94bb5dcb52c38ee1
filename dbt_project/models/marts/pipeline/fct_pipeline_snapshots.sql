{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='snapshot_date',
        on_schema_change='fail',
    )
}}
-- The open pipeline at the end of every day: one row per day × opportunity open that day.
-- Rebuilt from history, so a new install has every past day. Incremental: a run recomputes the
-- last var(snapshot_lookback_days) days it already has (late updates, deletes) and adds the
-- new ones up to the as-of date; older days stay as they are.
with

calendar_days as (
    select * from {{ ref('int_calendar_days') }}
),

states as (
    select * from {{ ref('int_opportunity_states_historized') }}
    where is_open and not is_deleted
),

fx_rates as (
    select * from {{ ref('int_fx_rates_ranged') }}
),

memberships as (
    select * from {{ ref('int_rep_team_memberships_enriched') }}
),

snapshot_days as (
    select date_day as snapshot_date
    from calendar_days
    where date_day >= (select min(valid_from) from states)
    {% if is_incremental() %}
        and date_day > (
            select {{ dbt.dateadd('day', -1 * var('snapshot_lookback_days'), 'max(snapshot_date)') }}
            from {{ this }}
        )
    {% endif %}
),

open_on_day as (
    select
        snapshot_days.snapshot_date,
        states.*
    from snapshot_days
    inner join states
        on {{ is_valid_on('snapshot_days.snapshot_date', 'states') }}
),

final as (
    select
        open_on_day.snapshot_date,
        open_on_day.opportunity_id,
        open_on_day.owner_id,
        memberships.team_id,
        memberships.region,
        open_on_day.opportunity_type,
        open_on_day.stage_name,
        open_on_day.forecast_category,
        cast(open_on_day.probability_pct as decimal(5, 2)) as probability_pct,
        open_on_day.close_date,
        open_on_day.currency_code,
        cast(open_on_day.amount as decimal(18, 2)) as amount,
        cast(fx_rates.rate_to_reporting as decimal(18, 6)) as fx_rate_to_reporting,
        {{ round_money('open_on_day.amount * fx_rates.rate_to_reporting') }} as amount_reporting,
        {{ round_money('open_on_day.amount * fx_rates.rate_to_reporting * open_on_day.probability_pct / 100') }} as weighted_amount_reporting
    from open_on_day
    left join fx_rates
        on open_on_day.currency_code = fx_rates.currency_code
        and {{ is_valid_on('open_on_day.snapshot_date', 'fx_rates') }}
    left join memberships
        on open_on_day.owner_id = memberships.user_id
        and {{ is_valid_on('open_on_day.snapshot_date', 'memberships') }}
)

select * from final
