{{
    config(
        materialized='incremental',
        incremental_strategy=partition_replacement_strategy('delete+insert'),
        unique_key='snapshot_date',
        partition_by=replaced_partitions(['snapshot_date']),
        on_schema_change='fail',
    )
}}
-- The open pipeline at the end of every day: one row per day × opportunity open that day.
-- Rebuilt from history, so a new install has every past day. Incremental: a run recomputes the
-- last var(snapshot_lookback_days) days it already has (late updates, deletes) and adds the
-- new ones up to the as-of date; older days stay as they are. Each state, rate and team
-- membership is expanded into its days and joined on the day (no range joins: they held
-- every candidate pair in memory at scale).
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

snapshot_range as (
    select
        greatest(
            (select min(date_day) from calendar_days),
            (select min(valid_from) from states)
            {% if is_incremental() %}
            , (
                select cast({{ dbt.dateadd('day', -1 * var('snapshot_lookback_days') + 1, 'max(snapshot_date)') }} as date)
                from {{ this }}
            )
            {% endif %}
        ) as first_day,
        (select max(date_day) from calendar_days) as last_day
),

open_on_day as (
    select
        {{ each_valid_day('states', 'snapshot_range.first_day', 'snapshot_range.last_day') }} as snapshot_date,
        states.*
    from states
    cross join snapshot_range
),

rates_on_day as (
    select
        {{ each_valid_day('fx_rates', 'snapshot_range.first_day', 'snapshot_range.last_day') }} as rate_date,
        fx_rates.currency_code,
        fx_rates.rate_to_reporting
    from fx_rates
    cross join snapshot_range
),

memberships_on_day as (
    select
        {{ each_valid_day('memberships', 'snapshot_range.first_day', 'snapshot_range.last_day') }} as membership_date,
        memberships.user_id,
        memberships.team_id,
        memberships.region
    from memberships
    cross join snapshot_range
),

final as (
    select
        open_on_day.snapshot_date,
        open_on_day.opportunity_id,
        open_on_day.owner_id,
        memberships_on_day.team_id,
        memberships_on_day.region,
        open_on_day.opportunity_type,
        open_on_day.stage_name,
        open_on_day.forecast_category,
        cast(open_on_day.probability_pct as decimal(5, 2)) as probability_pct,
        open_on_day.close_date,
        open_on_day.currency_code,
        cast(open_on_day.amount as decimal(18, 2)) as amount,
        cast(rates_on_day.rate_to_reporting as decimal(18, 6)) as fx_rate_to_reporting,
        {{ round_money('open_on_day.amount * rates_on_day.rate_to_reporting') }} as amount_reporting,
        {{ round_money(divide('open_on_day.amount * rates_on_day.rate_to_reporting * open_on_day.probability_pct', '100', 8)) }} as weighted_amount_reporting
    from open_on_day
    left join rates_on_day
        on open_on_day.currency_code = rates_on_day.currency_code
        and open_on_day.snapshot_date = rates_on_day.rate_date
    left join memberships_on_day
        on open_on_day.owner_id = memberships_on_day.user_id
        and open_on_day.snapshot_date = memberships_on_day.membership_date
)

select * from final
