-- A table: a model and its own test read it, and each would compute a view of it again.
{{ config(materialized='table') }}
-- Each lead with the day it reached each funnel stage (var lead_funnel_stages maps the CRM's lead
-- statuses to lead, mql, sql and converted): the first day it took a status of that stage or a
-- later one, so a lead that skipped a status still reached the stages before it. A lead
-- converts when its conversion created an opportunity the warehouse has (a conversion without
-- one, or to a deleted deal, is not a conversion to opportunity), on its conversion day; it is
-- won when that opportunity was. Its team and region are its owner's on the day it was created.
{%- set stage_ranks = {'lead': 1, 'mql': 2, 'sql': 3, 'converted': 4} %}
with

leads as (
    select * from {{ ref('int_crm_leads') }}
),

status_changes as (
    select * from {{ ref('int_crm_lead_status_changes') }}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

memberships as (
    select * from {{ ref('int_rep_team_memberships_enriched') }}
),

status_stages as (
    {%- for status, stage in var('lead_funnel_stages').items() %}
    select
        '{{ status }}' as lead_status,
        {{ stage_ranks[stage] }} as stage_rank
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- The status a lead was created with: the one its first change left, else its current one.
first_changes as (
    select
        lead_id,
        old_status,
        row_number() over (partition by lead_id order by changed_at) as change_number
    from status_changes
),

statuses_taken as (
    select
        leads.lead_id,
        coalesce(first_changes.old_status, leads.lead_status) as lead_status,
        {{ local_date('leads.created_at') }} as taken_on
    from leads
    left join first_changes on leads.lead_id = first_changes.lead_id and first_changes.change_number = 1
    union all
    select
        lead_id,
        new_status as lead_status,
        {{ local_date('changed_at') }} as taken_on
    from status_changes
),

stage_days as (
    select
        statuses_taken.lead_id,
        min(case when status_stages.stage_rank >= 2 then statuses_taken.taken_on end) as mql_on,
        min(case when status_stages.stage_rank >= 3 then statuses_taken.taken_on end) as sql_on
    from statuses_taken
    inner join status_stages on statuses_taken.lead_status = status_stages.lead_status
    group by 1
),

converted as (
    select
        leads.lead_id,
        leads.converted_on,
        opportunities.opportunity_id,
        opportunities.is_won,
        opportunities.close_date
    from leads
    inner join opportunities on leads.converted_opportunity_id = opportunities.opportunity_id
    where leads.is_converted
),

lead_teams as (
    select
        leads.lead_id,
        memberships.team_id,
        memberships.region,
        row_number() over (partition by leads.lead_id order by memberships.valid_from desc) as membership_rank
    from leads
    inner join memberships
        on
        leads.owner_id = memberships.user_id
        and memberships.valid_from <= {{ local_date('leads.created_at') }}
        and (memberships.valid_to is null or {{ local_date('leads.created_at') }} < memberships.valid_to)
),

final as (
    select
        leads.lead_id,
        coalesce(leads.lead_source, 'Unknown') as lead_source,
        leads.owner_id,
        coalesce(lead_teams.team_id, 'Unassigned') as team_id,
        coalesce(lead_teams.region, 'Unassigned') as region,
        {{ local_date('leads.created_at') }} as created_on,
        coalesce(stage_days.mql_on, stage_days.sql_on, converted.converted_on) as mql_on,
        coalesce(stage_days.sql_on, converted.converted_on) as sql_on,
        converted.converted_on,
        converted.opportunity_id as converted_opportunity_id,
        case when converted.is_won then converted.close_date end as won_on
    from leads
    left join stage_days on leads.lead_id = stage_days.lead_id
    left join converted on leads.lead_id = converted.lead_id
    left join lead_teams on leads.lead_id = lead_teams.lead_id and lead_teams.membership_rank = 1
)

select * from final
