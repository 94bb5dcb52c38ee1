with

source as (
    select * from {{ source('finance', 'customers') }}
),

renamed as (
    select
        customer_id,
        crm_account_id as account_id,
        customer_name,
        currency as currency_code,
        country,
        created_at,
        updated_at
    from source
)

select * from renamed
