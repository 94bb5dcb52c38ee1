-- History mode: every version of every Zoho deal loaded, oldest first, with the owner before it
-- and whether its stage, amount, close date or probability differ from the version before.
-- Deals read from Zoho's data backup have no Stage_History: their moves are these versions.
with

source as (
    select * from {{ source('zoho', 'deals') }}
),

versions as (
    select
        id as deal_id,
        modified_time as modified_at,
        stage as stage_name,
        amount,
        closing_date as close_date,
        cast(probability as decimal(5, 2)) as probability_pct,
        owner_id,
        coalesce(stage, '')
        || '|' || coalesce(cast(amount as {{ dbt.type_string() }}), '')
        || '|' || coalesce(cast(closing_date as {{ dbt.type_string() }}), '')
        || '|' || coalesce(cast(probability as {{ dbt.type_string() }}), '') as state_key
    from source
),

with_previous as (
    select
        versions.*,
        lag(versions.owner_id) over deal_versions as previous_owner_id,
        lag(versions.state_key) over deal_versions as previous_state_key
    from versions
    window deal_versions as (partition by versions.deal_id order by versions.modified_at)
),

flagged as (
    select
        deal_id,
        modified_at,
        stage_name,
        amount,
        close_date,
        probability_pct,
        owner_id,
        previous_owner_id,
        coalesce(previous_state_key != state_key, true) as is_move
    from with_previous
)

select * from flagged
