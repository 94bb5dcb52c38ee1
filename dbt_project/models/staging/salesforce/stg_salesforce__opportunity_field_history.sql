with

source as (
    {{ newest_versions(source('salesforce', 'opportunity_field_history'), 'id', 'created_date') }}
),

renamed as (
    select
        id as field_history_id,
        opportunity_id,
        field as field_name,
        old_value,
        new_value,
        created_by_id,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at
    from source
)

select * from renamed
