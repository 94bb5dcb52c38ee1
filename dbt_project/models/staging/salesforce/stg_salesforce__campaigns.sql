with

source as (
    {{ newest_versions(source('salesforce', 'campaign'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as campaign_id,
        name as campaign_name,
        type as campaign_type,
        status as campaign_status,
        parent_id as parent_campaign_id,
        start_date,
        end_date,
        budgeted_cost,
        actual_cost,
        currency_iso_code as currency_code,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at,
        system_modstamp as modified_at
    from source
)

select * from renamed
