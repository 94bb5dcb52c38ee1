with

source as (
    {{ newest_versions(source('finance', 'customers'), 'customer_id', 'updated_at') }}
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
