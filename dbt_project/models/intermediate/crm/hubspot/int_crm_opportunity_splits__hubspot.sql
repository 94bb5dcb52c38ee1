-- HubSpot deal splits are not loaded: none here, and every HubSpot deal credits its owner in
-- full (int_bookings_credited).

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

select * from opportunity_splits
