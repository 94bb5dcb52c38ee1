-- A table: many models and tests read it, and each would compute a view of it again.
{{ config(materialized='table') }}
with

source as (
    {{ newest_versions(source('salesforce', 'opportunity'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as opportunity_id,
        account_id,
        name as opportunity_name,
        type as opportunity_type,
        stage_name,
        amount,
        probability as probability_pct,
        expected_revenue,
        close_date,
        forecast_category_name as forecast_category,
        lead_source,
        next_step,
        coalesce(is_closed, false) as is_closed,
        coalesce(is_won, false) as is_won,
        owner_id,
        currency_iso_code as currency_code,
        term_months__c as term_months,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at,
        created_by_id,
        system_modstamp as modified_at
        {{ pass_through_columns('opportunities', 'salesforce', source('salesforce', 'opportunity')) }}  -- noqa: LT02
    from source
)

select * from renamed
