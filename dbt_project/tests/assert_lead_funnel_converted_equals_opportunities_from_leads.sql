{{ config(meta={'dagster': {'ref': {'name': 'fct_lead_funnel'}}}) }}  -- shown in Dagster as a check on fct_lead_funnel
-- The funnel and the pipeline agree: in each monthly cohort, the leads converted equal the
-- opportunities in fct_opportunities that a lead created in that month converted into; and each
-- grain (week, month, quarter) counts every lead once. Rows returned are the months (or grains)
-- that disagree.
with

funnel as (
    select * from {{ ref('fct_lead_funnel') }}
),

from_leads as (
    select
        {{ period_start('month', local_date('leads.created_at')) }} as period_start,
        count(distinct opportunities.opportunity_id) as opportunities
    from {{ ref('int_crm_leads') }} as leads
    inner join {{ ref('fct_opportunities') }} as opportunities
        on leads.converted_opportunity_id = opportunities.opportunity_id
    where leads.is_converted
    group by 1
),

funnel_months as (
    select
        period_start,
        sum(leads_converted) as leads_converted
    from funnel
    where period_grain = 'month'
    group by 1
),

month_breaks as (
    select
        'month ' || cast(coalesce(funnel_months.period_start, from_leads.period_start) as {{ dbt.type_string() }}) as disagreement
    from funnel_months
    full outer join from_leads on funnel_months.period_start = from_leads.period_start
    where coalesce(funnel_months.leads_converted, 0) != coalesce(from_leads.opportunities, 0)
),

grain_totals as (
    select
        period_grain,
        sum(leads_created) as leads_created,
        sum(leads_converted) as leads_converted
    from funnel
    group by 1
),

all_leads as (
    select count(*) as leads from {{ ref('int_crm_leads') }}
),

grain_breaks as (
    select 'grain ' || grain_totals.period_grain as disagreement
    from grain_totals
    cross join all_leads
    where grain_totals.leads_created != all_leads.leads
)

select * from month_breaks
union all
select * from grain_breaks
