-- History mode: every version of every account the CRM ever sent (raw keeps them all, keyed by
-- Id + SystemModstamp), with the time range in which each was the current one: owner, type and
-- segment as they were on any day. The newest version per account is stg_salesforce__accounts.
with

source as (
    {{ raw_versions(source('salesforce', 'account'), 'id', 'system_modstamp') }}
),

versions as (
    select
        id as account_id,
        {{ version_range('id', 'system_modstamp') }},
        name as account_name,
        type as account_type,
        industry,
        billing_country,
        currency_iso_code as currency_code,
        owner_id,
        segment__c as segment,
        coalesce(is_deleted, false) as is_deleted
    from source
),

final as (
    select
        {{ dbt.hash(
            "account_id || '|' || cast(valid_from as " ~ dbt.type_string() ~ ")"
        ) }} as account_version_id,
        account_id,
        version_number,
        valid_from,
        valid_to,
        valid_to is null as is_current_version,
        account_name,
        account_type,
        industry,
        billing_country,
        currency_code,
        owner_id,
        segment,
        is_deleted
    from versions
)

select * from final
