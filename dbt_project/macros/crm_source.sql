{#- Which CRM's shape the warehouse models: 'hubspot', or 'salesforce' for the Salesforce API and
    the Salesforce-shaped export files alike. Same setting as the loaders (SALESOPS_CRM_SOURCE). -#}
{% macro crm_source() -%}
    {{ return('hubspot' if env_var('SALESOPS_CRM_SOURCE', 'files') | trim | lower == 'hubspot' else 'salesforce') }}
{%- endmacro %}
