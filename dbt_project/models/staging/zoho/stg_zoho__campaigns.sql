-- Zoho campaigns, current version, with their budgeted and actual cost; deleted ones stay, flagged.
with

source as (
    {{ newest_versions(source('zoho', 'campaigns'), 'id', 'modified_time') }}
),

deleted as (
    select record_id from {{ ref('stg_zoho__deleted_records') }}
    where module_name = 'Campaigns'
),

renamed as (
    select
        source.id as campaign_id,
        source.campaign_name,
        source.type as campaign_type,
        source.status as campaign_status,
        source.parent_campaign_id,
        source.start_date,
        source.end_date,
        source.budgeted_cost,
        source.actual_cost,
        coalesce(source.currency, '{{ var("zoho_default_currency") }}') as currency_code,
        deleted.record_id is not null as is_deleted,
        source.created_time as created_at,
        source.modified_time as modified_at
    from source
    left join deleted on source.id = deleted.record_id
)

select * from renamed
