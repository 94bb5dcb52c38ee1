-- The state of each HubSpot deal after every change to its stage, amount, close date or forecast
-- category, rebuilt from property history: one row per (deal, changed_at), each property
-- carrying its latest value set at or before the change.

with

history as (
    select * from {{ ref('stg_hubspot__deal_property_history') }}
    where property_name in ('dealstage', 'amount', 'closedate', 'hs_forecast_category')
),

deals as (
    select * from {{ ref('stg_hubspot__deals') }}
),

stages as (
    select * from {{ ref('stg_hubspot__deal_pipeline_stages') }}
),

change_times as (
    select distinct
        deal_id,
        changed_at
    from history
),

values_in_force as (
    select
        change_times.deal_id,
        change_times.changed_at,
        history.property_name,
        history.property_value,
        row_number() over (
            partition by change_times.deal_id, change_times.changed_at, history.property_name
            order by history.changed_at desc
        ) as recency
    from change_times
    inner join history
        on change_times.deal_id = history.deal_id
        and change_times.changed_at >= history.changed_at
),

snapshots as (
    select
        deal_id,
        changed_at,
        max(case when property_name = 'dealstage' then property_value end) as stage_id,
        max(case when property_name = 'amount' then nullif(property_value, '') end) as amount_text,
        max(case when property_name = 'closedate' then nullif(property_value, '') end) as close_date_text,
        max(case when property_name = 'hs_forecast_category' then property_value end) as forecast_category_value
    from values_in_force
    where recency = 1
    group by deal_id, changed_at
),

opportunity_history as (
    select
        snapshots.deal_id as opportunity_id,
        snapshots.changed_at,
        coalesce(stages.stage_name, snapshots.stage_id) as stage_name,
        cast(snapshots.amount_text as decimal(18, 2)) as amount,
        -- HubSpot dates are UTC midnights in ISO text: the first ten characters are the day.
        cast(substring(snapshots.close_date_text, 1, 10) as date) as close_date,
        stages.probability_pct,
        {{ hubspot_forecast_category('snapshots.forecast_category_value') }} as forecast_category
    from snapshots
    left join deals
        on snapshots.deal_id = deals.deal_id
    left join stages
        on deals.pipeline_id = stages.pipeline_id
        and snapshots.stage_id = stages.stage_id
)

select * from opportunity_history
