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

{#- Deal types come from var `hubspot_deal_types` (internal value -> label), because portals add
    their own options; an unmapped value passes through unchanged so it stays visible. -#}
{% macro hubspot_deal_type(column) -%}
    case {{ column }}
        {%- for value, label in var('hubspot_deal_types').items() %}
        when '{{ value }}' then '{{ label }}'
        {%- endfor %}
        else {{ column }}
    end
{%- endmacro %}

{#- A HubSpot date (a UTC-midnight timestamp) as a calendar date, whatever the session time zone. -#}
{% macro utc_date(column) -%}
    cast({{ column }} at time zone 'UTC' as date)
{%- endmacro %}
