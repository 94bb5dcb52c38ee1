-- Credit splits of opportunities (Salesforce OpportunitySplit), live ones only. HubSpot deal
-- splits are not loaded: every HubSpot deal credits its owner in full (int_bookings_credited).
{% if crm_source() == 'hubspot' %}

with

opportunity_splits as (
    select
        cast(null as {{ dbt.type_string() }}) as split_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        cast(null as {{ dbt.type_string() }}) as split_owner_id,
        cast(null as {{ dbt.type_string() }}) as split_type,
        cast(null as decimal(18, 2)) as split_pct,
        cast(null as decimal(18, 2)) as split_amount,
        cast(null as {{ dbt.type_string() }}) as currency_code
    where 1 = 0
)

{% else %}

with

salesforce_splits as (
    select * from {{ ref('stg_salesforce__opportunity_splits') }}
    where not is_deleted
),

opportunity_splits as (
    select
        split_id,
        opportunity_id,
        split_owner_id,
        split_type,
        split_pct,
        split_amount,
        currency_code
    from salesforce_splits
)

{% endif %}

select * from opportunity_splits
