{#- The value lists accepted_values tests read: the vars the marts themselves use, so a stage or deal
    type added in dbt_project.yml is known to the tests at once. -#}

{#- Every stage the marts know: the pipeline's stages, then the won and lost ones. -#}
{% macro known_stages() -%}
    {{ return((var('opportunity_stages') + var('won_stages') + var('lost_stages')) | unique | list) }}
{%- endmacro %}

{#- The deal types the marts report (each CRM's own types are mapped onto these labels). -#}
{% macro known_deal_types() -%}
    {{ return(var('hubspot_deal_types').values() | unique | list) }}
{%- endmacro %}

{#- Payout ledger entries that are commission expense (for customer acquisition cost): what was
    earned, SPIFFs, overrides and clawbacks. Draws are advances, held and released the cash timing
    of on-cash plans. An adjustment counts as the entry it adjusts. -#}
{% macro commission_expense_entry_types() -%}
    ('earned', 'spiff', 'override', 'clawback')
{%- endmacro %}

{#- The campaign attribution models marketing.fct_campaign_attribution computes. -#}
{% macro attribution_models() -%}
    {{ return(['first_touch', 'last_touch', 'linear', 'position_based', 'time_decay']) }}
{%- endmacro %}

{#- One row per attribution model (column attribution_model), for marts and tests that need every
    model even where no deal has one. -#}
{% macro attribution_model_rows() -%}
    {%- for model_name in attribution_models() %}
    select '{{ model_name }}' as attribution_model
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- The forecast's levels and the column each is grouped by (a deal's rep, team, region, or the
    whole company). -#}
{% macro forecast_levels() -%}
    {{ return([('rep', 'owner_id'), ('team', 'team_id'), ('region', 'region'), ('company', "'all'")]) }}
{%- endmacro %}
