with

source as (
    {{ newest_versions(source('finance', 'invoice_lines'), 'invoice_line_id', 'updated_at') }}
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
