with

source as (
    select * from {{ source('finance', 'invoice_lines') }}
),

renamed as (
    select
        invoice_line_id,
        invoice_id,
        line_number,
        product_code,
        description as line_description,
        quantity,
        unit_price,
        amount,
        created_at,
        updated_at
    from source
)

select * from renamed
