with

source as (
    select * from {{ source('plans', 'territories') }}
),

renamed as (
    select
        territory_id,
        territory_name,
        region,
        segment
    from source
)

select * from renamed
