-- The managers above each rep in each month of the rep's quotas, as the CRM's org was at the
-- month's end (its manager, their manager, and so on): one row per rep × month × manager, with
-- the manager's distance from the rep. Attainment rolls up along these chains. The chain is
-- followed up to var manager_chain_max_depth levels (a loop in the CRM's data stops there).
{% set max_depth = var('manager_chain_max_depth') %}

with

rep_months as (
    select distinct
        rep_id,
        month_start,
        month_end
    from {{ ref('int_quota_rep_months') }}
),

manager_history as (
    select * from {{ ref('int_crm_user_manager_history') }}
    where manager_id is not null
),

{% for depth in range(1, max_depth + 1) %}
{%- set below = 'rep_months' if depth == 1 else 'managers_at_depth_' ~ (depth - 1) %}
managers_at_depth_{{ depth }} as (
    select
        below.rep_id,
        below.month_start,
        below.month_end,
        manager_history.manager_id,
        {{ depth }} as chain_depth
    from {{ below }} as below
    inner join manager_history
        on below.{{ 'rep_id' if depth == 1 else 'manager_id' }} = manager_history.user_id
        and cast(manager_history.valid_from as date) <= below.month_end
        and (manager_history.valid_to is null or cast(manager_history.valid_to as date) > below.month_end)
    {%- if depth > 1 %}
    -- a manager who (by a loop in the data) is the rep again ends the chain
    where manager_history.manager_id <> below.rep_id
    {%- endif %}
),

{% endfor %}
chains as (
    {% for depth in range(1, max_depth + 1) %}
    select * from managers_at_depth_{{ depth }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from chains
