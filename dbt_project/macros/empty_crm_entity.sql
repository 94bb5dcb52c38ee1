{#- A canonical CRM entity with no rows, for a CRM that does not provide it (the revenue-funnel
    objects and activities some CRMs are not loaded for yet): the entity's columns, typed, and nothing
    else, so the marts that read it build, empty for that CRM. -#}
{% macro empty_crm_entity(entity) -%}
    {%- set string, timestamp, boolean, date, money = dbt.type_string(), dbt.type_timestamp(), dbt.type_boolean(), 'date', 'decimal(18, 2)' -%}
    {%- set columns = {
        'leads': [('lead_id', string), ('owner_id', string), ('lead_source', string), ('lead_status', string),
                  ('created_at', timestamp), ('is_converted', boolean), ('converted_on', date),
                  ('converted_account_id', string), ('converted_contact_id', string),
                  ('converted_opportunity_id', string)],
        'lead_status_changes': [('lead_id', string), ('changed_at', timestamp), ('old_status', string),
                                ('new_status', string)],
        'campaigns': [('campaign_id', string), ('campaign_name', string), ('campaign_type', string),
                      ('campaign_status', string), ('parent_campaign_id', string), ('start_date', date),
                      ('end_date', date), ('currency_code', string), ('budgeted_cost', money),
                      ('actual_cost', money)],
        'campaign_members': [('campaign_member_id', string), ('campaign_id', string), ('lead_id', string),
                             ('contact_id', string), ('member_status', string), ('has_responded', boolean),
                             ('first_responded_on', date), ('created_at', timestamp)],
        'activities': [('activity_id', string), ('activity_type', string), ('owner_id', string),
                       ('opportunity_id', string), ('activity_date', date), ('is_completed', boolean)],
        'opportunity_contact_roles': [('contact_role_id', string), ('opportunity_id', string),
                                      ('contact_id', string), ('contact_role', string), ('is_primary', boolean)],
    }[entity] -%}
    select
    {%- for name, type in columns %}
        cast(null as {{ type }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
    where 1 = 0
{%- endmacro %}
