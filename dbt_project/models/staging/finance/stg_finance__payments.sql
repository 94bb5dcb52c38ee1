with

source as (
    {{ newest_versions(source('finance', 'payments'), 'payment_id', 'updated_at') }}
),

renamed as (
    select
        payment_id,
        invoice_id,
        payment_date,
        currency as currency_code,
        amount,
        method as payment_method,
        created_at as recorded_at,
        updated_at
    from source
)

select * from renamed
