-- Disputes a rep raised about the commission on a deal, with their resolution.
with

source as (
    select * from {{ source('plans', 'commission_disputes') }}
),

renamed as (
    select
        dispute_id,
        user_id,
        opportunity_id,
        raised_on,
        status as dispute_status,
        resolution,
        resolved_on
    from source
)

select * from renamed
