with

source as (
    {{ newest_versions(source('finance', 'invoices'), 'invoice_id', 'updated_at') }}
),

renamed as (
    select
        invoice_id,
        customer_id,
        opportunity_id,
        invoice_number,
        invoice_date,
        due_date,
        currency as currency_code,
        total_amount,
        billing_period_start,
        billing_period_end,
        created_at,
        updated_at
    from source
)

select * from renamed
