with

source as (
    {{ newest_versions(source('hubspot', 'companies'), 'id', 'hs_lastmodifieddate') }}
),

renamed as (
    select
        id as company_id,
        name as company_name,
        domain,
        type as company_type,
        industry,
        country,
        numberofemployees as employee_count,
        segment,
        hubspot_owner_id as owner_id,
        coalesce(archived, false) as is_archived,
        createdate as created_at,
        hs_lastmodifieddate as modified_at
        {{ pass_through_columns('accounts', 'hubspot', source('hubspot', 'companies')) }}  -- noqa: LT02
    from source
)

select * from renamed
