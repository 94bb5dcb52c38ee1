{#- HubSpot's internal option values as the Salesforce picklist labels every mart uses. -#}

{% macro hubspot_forecast_category(column) -%}
    case upper({{ column }})
        when 'PIPELINE' then 'Pipeline'
        when 'BEST_CASE' then 'Best Case'
        when 'COMMIT' then 'Commit'
        when 'CLOSED' then 'Closed'
        when 'OMIT' then 'Omitted'
        else {{ column }}
    end
{%- endmacro %}

{#- A HubSpot date (a UTC-midnight timestamp) as a calendar date, whatever the session time zone. -#}
{% macro utc_date(column) -%}
    {{ return(adapter.dispatch('utc_date')(column)) }}
{%- endmacro %}

{% macro default__utc_date(column) -%}
    cast({{ column }} at time zone 'UTC' as date)
{%- endmacro %}

{% macro spark__utc_date(column) -%}
    cast(from_utc_timestamp({{ column }}, 'UTC') as date)
{%- endmacro %}
