-- Every recorded value of the deal properties whose history is kept (stage, amount, close
-- date, forecast category, owner), one row per value set, as text as HubSpot sends it.
with

source as (
    select * from {{ source('hubspot', 'deal_property_history') }}
),

renamed as (
    select
        deal_id,
        property as property_name,
        value as property_value,
        source_type,
        changed_at
    from source
)

select * from renamed
