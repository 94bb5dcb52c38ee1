-- The lead funnel by cohort: leads created in each period (week, month, fiscal quarter) per lead
-- source and team, how many of them reached MQL, SQL, converted to an opportunity and were won
-- (whenever that happened: a late conversion lands in its lead's cohort), the conversion rate
-- between each pair of stages (the later count over the earlier one), and the median days
-- between the stages of the leads that reached both.
with

leads as (
    select * from {{ ref('int_lead_funnel_stages') }}
),

-- Each lead in its week, month and fiscal quarter of creation.
cohorts as (
    {%- for grain in ['week', 'month', 'quarter'] %}
    select
        '{{ grain }}' as period_grain,
        {{ period_start(grain, 'created_on') }} as period_start,
        {{ period_end(grain, period_start(grain, 'created_on')) }} as period_end,
        leads.*
    from leads
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

counted as (
    select
        period_grain,
        period_start,
        period_end,
        lead_source,
        team_id,
        region,
        count(*) as leads_created,
        count(mql_on) as leads_reached_mql,
        count(sql_on) as leads_reached_sql,
        count(converted_on) as leads_converted,
        count(won_on) as opportunities_won,
        {{ median(dbt.datediff('created_on', 'mql_on', 'day')) }} as median_days_to_mql,
        {{ median(dbt.datediff('mql_on', 'sql_on', 'day')) }} as median_days_mql_to_sql,
        {{ median(dbt.datediff('sql_on', 'converted_on', 'day')) }} as median_days_sql_to_converted,
        {{ median(dbt.datediff('converted_on', 'won_on', 'day')) }} as median_days_converted_to_won
    from cohorts
    group by 1, 2, 3, 4, 5, 6
),

final as (
    select
        period_grain,
        period_start,
        period_end,
        lead_source,
        team_id,
        region,
        cast(leads_created as integer) as leads_created,
        cast(leads_reached_mql as integer) as leads_reached_mql,
        cast(leads_reached_sql as integer) as leads_reached_sql,
        cast(leads_converted as integer) as leads_converted,
        cast(opportunities_won as integer) as opportunities_won,
        cast({{ divide('leads_reached_mql', 'leads_created', 4) }} as decimal(9, 4)) as lead_to_mql_rate,
        cast({{ divide('leads_reached_sql', 'leads_reached_mql', 4) }} as decimal(9, 4)) as mql_to_sql_rate,
        cast({{ divide('leads_converted', 'leads_reached_sql', 4) }} as decimal(9, 4)) as sql_to_converted_rate,
        cast({{ divide('opportunities_won', 'leads_converted', 4) }} as decimal(9, 4)) as converted_to_won_rate,
        cast({{ divide('leads_converted', 'leads_created', 4) }} as decimal(9, 4)) as lead_to_converted_rate,
        median_days_to_mql,
        median_days_mql_to_sql,
        median_days_sql_to_converted,
        median_days_converted_to_won
    from counted
)

select * from final
