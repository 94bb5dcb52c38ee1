{#- The CRM systems feeding the warehouse, from the one setting SALESOPS_CRM_SOURCE: a comma-separated
    list of connectors. The Salesforce API and the Salesforce-shaped export files are both the
    'salesforce' system; the Zoho API and Zoho's data backup files both 'zoho'. dbt_project.yml enables each system's folders from the same list. -#}
{% macro crm_systems() -%}
    {%- set systems = [] -%}
    {%- for connector in env_var('SALESOPS_CRM_SOURCE', 'files').lower().replace(' ', '').split(',') -%}
        {%- set system = {'files': 'salesforce', 'zoho_files': 'zoho'}.get(connector, connector) -%}
        {%- if system and system not in systems -%}{%- do systems.append(system) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(systems) }}
{%- endmacro %}
