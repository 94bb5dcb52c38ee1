with

source as (
    {{ newest_versions(source('finance', 'sales_marketing_costs'), 'cost_id', 'updated_at') }}
),

renamed as (
    select
        cost_id,
        cost_month,
        department,
        category as cost_category,
        currency as currency_code,
        amount,
        updated_at
    from source
)

select * from renamed
