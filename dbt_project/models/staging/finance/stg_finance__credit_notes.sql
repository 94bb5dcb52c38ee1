with

source as (
    {{ newest_versions(source('finance', 'credit_notes'), 'credit_note_id', 'updated_at') }}
),

renamed as (
    select
        credit_note_id,
        invoice_id,
        credit_date,
        currency as currency_code,
        amount,
        reason as credit_reason,
        created_at,
        updated_at
    from source
)

select * from renamed
