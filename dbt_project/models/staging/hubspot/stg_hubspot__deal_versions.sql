-- History mode: every version of every deal HubSpot sent (raw keeps them all, keyed by id +
-- hs_lastmodifieddate), with the time range in which each was the current one. The newest
-- version per deal is stg_hubspot__deals.
with

source as (
    {{ raw_versions(source('hubspot', 'deals'), 'id', 'hs_lastmodifieddate') }}
),

versions as (
    select
        id as deal_id,
        {{ version_range('id', 'hs_lastmodifieddate') }},
        dealname as deal_name,
        {{ mapped_label('dealtype', 'hubspot_deal_types') }} as deal_type,
        pipeline as pipeline_id,
        dealstage as stage_id,
        amount,
        coalesce(deal_currency_code, '{{ var("hubspot_default_currency") }}') as currency_code,
        {{ utc_date('closedate') }} as close_date,
        {{ hubspot_forecast_category('hs_forecast_category') }} as forecast_category,
        hubspot_owner_id as owner_id,
        coalesce(archived, false) as is_archived
    from source
),

final as (
    select
        {{ dbt.hash(
            "deal_id || '|' || cast(valid_from as " ~ dbt.type_string() ~ ")"
        ) }} as deal_version_id,
        deal_id,
        version_number,
        valid_from,
        valid_to,
        valid_to is null as is_current_version,
        deal_name,
        deal_type,
        pipeline_id,
        stage_id,
        amount,
        currency_code,
        close_date,
        forecast_category,
        owner_id,
        is_archived
    from versions
)

select * from final
