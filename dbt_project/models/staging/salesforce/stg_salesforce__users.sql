with

source as (
    {{ newest_versions(source('salesforce', 'user'), 'id', 'system_modstamp') }}
),

renamed as (
    select
        id as user_id,
        name as user_name,
        first_name,
        last_name,
        title,
        user_role_id,
        manager_id,
        is_active,
        hire_date__c as hire_date,
        termination_date__c as termination_date,
        created_date as created_at,
        system_modstamp as modified_at
    from source
)

select * from renamed
