with

source as (
    {{ newest_versions(source('salesforce', 'account'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as account_id,
        name as account_name,
        type as account_type,
        industry,
        billing_country,
        currency_iso_code as currency_code,
        owner_id,
        number_of_employees as employee_count,
        segment__c as segment,
        website,
        coalesce(is_deleted, false) as is_deleted,
        created_date as created_at,
        system_modstamp as modified_at
        {{ pass_through_columns('accounts', 'salesforce', source('salesforce', 'account')) }}  -- noqa: LT02
    from source
)

select * from renamed
