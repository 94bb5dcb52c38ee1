-- Records deleted in Zoho (recycle bin or permanently): staging flags them in their module.
with

source as (
    select * from {{ source('zoho', 'deleted_records') }}
),

renamed as (
    select
        module as module_name,
        id as record_id,
        deletion_type,
        deleted_time as deleted_at
    from source
)

select * from renamed
