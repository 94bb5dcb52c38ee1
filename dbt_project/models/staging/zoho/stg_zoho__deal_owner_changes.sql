-- Owner changes of deals, from their timelines.
with

source as (
    select * from {{ source('zoho', 'deal_owner_changes') }}
),

renamed as (
    select
        deal_id,
        cast(changed_at as timestamp) as changed_at,
        old_owner_id,
        new_owner_id
    from source
)

select * from renamed
