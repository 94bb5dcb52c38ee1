{#- The canonical opportunity splits with no rows, for CRMs without deal splits (HubSpot's are not
    loaded; Zoho has none): their deals credit their owner in full (int_bookings_credited). -#}
{% macro empty_opportunity_splits() -%}
    select
        cast(null as {{ dbt.type_string() }}) as split_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        cast(null as {{ dbt.type_string() }}) as split_owner_id,
        cast(null as {{ dbt.type_string() }}) as split_type,
        cast(null as decimal(18, 2)) as split_pct,
        cast(null as decimal(18, 2)) as split_amount,
        cast(null as {{ dbt.type_string() }}) as currency_code
    where 1 = 0
{%- endmacro %}
