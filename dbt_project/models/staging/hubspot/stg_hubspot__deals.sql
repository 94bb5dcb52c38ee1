-- Deals with HubSpot's option values turned into the picklist labels the marts use; the stage
-- label comes from the pipeline definitions (int_crm_opportunities).
with

source as (
    {{ newest_versions(source('hubspot', 'deals'), 'id', 'hs_lastmodifieddate') }}
),

renamed as (
    select
        id as deal_id,
        dealname as deal_name,
        dealtype as deal_type_value,
        {{ mapped_label('dealtype', 'hubspot_deal_types') }} as deal_type,
        pipeline as pipeline_id,
        dealstage as stage_id,
        amount,
        coalesce(deal_currency_code, '{{ var("hubspot_default_currency") }}') as currency_code,
        {{ utc_date('closedate') }} as close_date,
        cast(hs_deal_stage_probability * 100 as decimal(5, 2)) as probability_pct,
        {{ hubspot_forecast_category('hs_forecast_category') }} as forecast_category,
        coalesce(hs_is_closed, false) as is_closed,
        coalesce(hs_is_closed_won, false) as is_won,
        hubspot_owner_id as owner_id,
        contract_term_months as term_months,
        coalesce(archived, false) as is_archived,
        createdate as created_at,
        hs_lastmodifieddate as modified_at
        {{ pass_through_columns('opportunities', 'hubspot', source('hubspot', 'deals')) }}  -- noqa: LT02
    from source
)

select * from renamed
