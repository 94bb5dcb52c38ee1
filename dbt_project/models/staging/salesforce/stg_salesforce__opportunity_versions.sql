-- History mode: every version of every opportunity the CRM ever sent (raw keeps them all, keyed by
-- Id + SystemModstamp), with the time range in which each was the current one. The newest
-- version per opportunity is stg_salesforce__opportunities.
with

source as (
    {{ raw_versions(source('salesforce', 'opportunity'), 'id', 'system_modstamp') }}
),

versions as (
    select
        id as opportunity_id,
        {{ version_range('id', 'system_modstamp') }},
        account_id,
        name as opportunity_name,
        type as opportunity_type,
        stage_name,
        amount,
        close_date,
        forecast_category_name as forecast_category,
        owner_id,
        currency_iso_code as currency_code,
        coalesce(is_deleted, false) as is_deleted
    from source
),

final as (
    select
        {{ dbt.hash(
            "opportunity_id || '|' || cast(valid_from as " ~ dbt.type_string() ~ ")"
        ) }} as opportunity_version_id,
        opportunity_id,
        version_number,
        valid_from,
        valid_to,
        valid_to is null as is_current_version,
        account_id,
        opportunity_name,
        opportunity_type,
        stage_name,
        amount,
        close_date,
        forecast_category,
        owner_id,
        currency_code,
        is_deleted
    from versions
)

select * from final
