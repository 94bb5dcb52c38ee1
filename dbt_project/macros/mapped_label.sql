{#- A CRM picklist value as the label the marts use, from a dbt var mapping value -> label
    (`hubspot_deal_types`, `zoho_deal_types`): CRMs let admins add their own options, so the
    mapping is configuration; an unmapped value passes through unchanged so it stays visible. -#}
{% macro mapped_label(column, mapping_var) -%}
    case {{ column }}
        {%- for value, label in var(mapping_var).items() %}
        when '{{ value }}' then '{{ label }}'
        {%- endfor %}
        else {{ column }}
    end
{%- endmacro %}
