-- Records deleted in Zoho: the API's `deleted` lists (recycle bin or permanently), and, when Zoho's
-- data backup feeds the warehouse, records missing from their module's newest backup. Staging
-- flags them in their module.
with

source as (
    select * from {{ source('zoho', 'deleted_records') }}
),

renamed as (
    select
        module as module_name,
        id as record_id,
        deletion_type,
        cast(deleted_time as {{ dbt.type_timestamp() }}) as deleted_at
    from source
    {{ missing_from_newest_backup('Deals', source('zoho', 'deals')) }}
    {{ missing_from_newest_backup('Accounts', source('zoho', 'accounts')) }}
    {{ missing_from_newest_backup('Contacts', source('zoho', 'contacts')) }}
)

select * from renamed
