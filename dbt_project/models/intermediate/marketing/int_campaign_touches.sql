-- A table: many models and tests read it, and each would compute a view of it again.
{{ config(materialized='table') }}
-- Every opportunity's campaign touches: the responded campaign memberships of its contacts (a
-- lead's membership counts for the contact the lead became), from var attribution_lookback_days
-- before the deal was created up to its close date, numbered in the order they happened (ties by
-- membership id). A contact on a deal twice counts its touches once.
with

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

contact_roles as (
    select * from {{ ref('int_crm_opportunity_contact_roles') }}
),

members as (
    select * from {{ ref('int_crm_campaign_members') }}
),

leads as (
    select * from {{ ref('int_crm_leads') }}
),

responses as (
    select
        members.campaign_member_id,
        members.campaign_id,
        coalesce(members.contact_id, leads.converted_contact_id) as contact_id,
        members.first_responded_on as touched_on
    from members
    left join leads on members.lead_id = leads.lead_id
    where members.has_responded and members.first_responded_on is not null
),

opportunity_touches as (
    select distinct
        opportunities.opportunity_id,
        responses.campaign_member_id,
        responses.campaign_id,
        responses.contact_id,
        responses.touched_on
    from opportunities
    inner join contact_roles on opportunities.opportunity_id = contact_roles.opportunity_id
    inner join responses on contact_roles.contact_id = responses.contact_id
    where
        responses.touched_on >= {{ dbt.dateadd('day', -1 * var('attribution_lookback_days'), 'opportunities.created_date') }}
        and responses.touched_on <= opportunities.close_date
),

numbered as (
    select
        *,
        row_number() over (
            partition by opportunity_id order by touched_on, campaign_member_id
        ) as touch_number,
        count(*) over (partition by opportunity_id) as touch_count
    from opportunity_touches
)

select * from numbered
