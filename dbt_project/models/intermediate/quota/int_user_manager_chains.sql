-- The managers above each CRM user in each month, as the CRM's org was at the month's end (the
-- user's manager, their manager, and so on): one row per user × month × manager, with the
-- manager's distance from the user. Months: every month of the calendar and of the quotas (which
-- run ahead of the as-of date). Attainment and sales metrics roll up along these chains. A chain
-- is followed up to var manager_chain_max_depth levels (a loop in the CRM's data stops there).
{{ config(materialized='table') }}
{% set max_depth = var('manager_chain_max_depth') %}

with

months as (
    select
        period_start as month_start,
        period_end as month_end
    from {{ ref('int_calendar_periods') }}
    where period_grain = 'month'
    union
    select
        month_start,
        month_end
    from {{ ref('int_quota_rep_months') }}
),

manager_history as (
    select * from {{ ref('int_crm_user_manager_history') }}
    where manager_id is not null
),

managed_users as (
    select distinct user_id from manager_history
),

user_months as (
    select
        managed_users.user_id,
        months.month_start,
        months.month_end
    from managed_users
    cross join months
),

{% for depth in range(1, max_depth + 1) %}
{%- set below = 'user_months' if depth == 1 else 'managers_at_depth_' ~ (depth - 1) %}
managers_at_depth_{{ depth }} as (
    select
        below.user_id,
        below.month_start,
        below.month_end,
        manager_history.manager_id,
        {{ depth }} as chain_depth
    from {{ below }} as below
    inner join manager_history
        on below.{{ 'user_id' if depth == 1 else 'manager_id' }} = manager_history.user_id
        and cast(manager_history.valid_from as date) <= below.month_end
        and (manager_history.valid_to is null or cast(manager_history.valid_to as date) > below.month_end)
    {%- if depth > 1 %}
    -- a manager who (by a loop in the data) is the user again ends the chain
    where manager_history.manager_id <> below.user_id
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
