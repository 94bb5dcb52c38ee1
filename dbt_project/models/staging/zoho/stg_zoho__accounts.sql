-- Zoho accounts, current version; deleted ones stay, flagged.
with

source as (
    {{ newest_versions(source('zoho', 'accounts'), 'id', 'modified_time') }}
),

deleted as (
    select record_id from {{ ref('stg_zoho__deleted_records') }}
    where module_name = 'Accounts'
),

renamed as (
    select
        source.id as account_id,
        source.account_name,
        source.account_type,
        source.industry,
        source.billing_country,
        source.segment,
        source.employees as employee_count,
        source.owner_id,
        deleted.record_id is not null as is_deleted,
        source.created_time as created_at,
        source.modified_time as modified_at
        {{ pass_through_columns('accounts', 'zoho', source('zoho', 'accounts'), 'source.') }}  -- noqa: LT02
    from source
    left join deleted on source.id = deleted.record_id
)

select * from renamed
