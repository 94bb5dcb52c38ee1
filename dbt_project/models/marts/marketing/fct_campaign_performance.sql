-- Each campaign under each attribution model: its cost in the reporting currency (the CRM's actual
-- cost at the rate of the campaign's start date; without one, finance's marketing spend rows that
-- name the campaign, each at its month's rate), members, responses and leads; opportunities and
-- pipeline it sourced (the deal's first touch) and influenced (any touch); the won amount the
-- model attributes to it; ROI = (attributed won - cost) / cost; cost per lead and per sourced
-- opportunity. Only the attributed won amount and ROI depend on the model.
with

campaigns as (
    select * from {{ ref('int_crm_campaigns') }}
),

members as (
    select * from {{ ref('int_crm_campaign_members') }}
),

touches as (
    select * from {{ ref('int_campaign_touches') }}
),

attribution as (
    select * from {{ ref('fct_campaign_attribution') }}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_ranged') }}
),

spend as (
    select * from {{ ref('stg_finance__marketing_spend') }}
),

models as (
    {{ attribution_model_rows() }}
),

spend_by_campaign as (
    select
        spend.campaign_id,
        sum(spend.amount * fx_rates.rate_to_reporting) as spend_reporting
    from spend
    inner join fx_rates
        on
        spend.currency_code = fx_rates.currency_code
        and spend.spend_month >= fx_rates.valid_from
        and (fx_rates.valid_to is null or spend.spend_month < fx_rates.valid_to)
    where spend.campaign_id is not null
    group by 1
),

campaign_costs as (
    select
        campaigns.campaign_id,
        case
            when campaigns.actual_cost is not null then 'actual_cost'
            when spend_by_campaign.spend_reporting is not null then 'marketing_spend'
        end as cost_source,
        coalesce(
            campaigns.actual_cost * fx_rates.rate_to_reporting, spend_by_campaign.spend_reporting
        ) as cost_reporting
    from campaigns
    left join fx_rates
        on
        campaigns.currency_code = fx_rates.currency_code
        and campaigns.start_date >= fx_rates.valid_from
        and (fx_rates.valid_to is null or campaigns.start_date < fx_rates.valid_to)
    left join spend_by_campaign on campaigns.campaign_id = spend_by_campaign.campaign_id
),

membership_counts as (
    select
        campaign_id,
        count(*) as members,
        sum(case when has_responded then 1 else 0 end) as responses,
        sum(case when lead_id is not null then 1 else 0 end) as leads
    from members
    group by 1
),

opportunity_counts as (
    select
        touches.campaign_id,
        count(distinct case when touches.touch_number = 1 then touches.opportunity_id end)
            as opportunities_sourced,
        sum(case when touches.touch_number = 1 then opportunities.amount_reporting else 0 end)
            as pipeline_sourced_reporting,
        count(distinct touches.opportunity_id) as opportunities_influenced
    from touches
    inner join opportunities on touches.opportunity_id = opportunities.opportunity_id
    group by 1
),

-- Pipeline influenced counts each deal once per campaign, however many of its touches it had.
campaign_touched as (
    select distinct
        campaign_id,
        opportunity_id
    from touches
),

influenced_pipeline as (
    select
        campaign_touched.campaign_id,
        sum(opportunities.amount_reporting) as pipeline_influenced_reporting
    from campaign_touched
    inner join opportunities on campaign_touched.opportunity_id = opportunities.opportunity_id
    group by 1
),

attributed_won as (
    select
        campaign_id,
        attribution_model,
        sum(attributed_amount_reporting) as won_attributed_reporting
    from attribution
    group by 1, 2
),

final as (
    select
        campaigns.campaign_id,
        models.attribution_model,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.campaign_status,
        campaigns.parent_campaign_id,
        campaigns.start_date,
        campaigns.end_date,
        campaign_costs.cost_source,
        cast(campaign_costs.cost_reporting as decimal(18, 2)) as cost_reporting,
        cast(coalesce(membership_counts.members, 0) as integer) as members,
        cast(coalesce(membership_counts.responses, 0) as integer) as responses,
        cast(coalesce(membership_counts.leads, 0) as integer) as leads,
        cast(coalesce(opportunity_counts.opportunities_sourced, 0) as integer) as opportunities_sourced,
        cast(coalesce(opportunity_counts.pipeline_sourced_reporting, 0) as decimal(18, 2))
            as pipeline_sourced_reporting,
        cast(coalesce(opportunity_counts.opportunities_influenced, 0) as integer)
            as opportunities_influenced,
        cast(coalesce(influenced_pipeline.pipeline_influenced_reporting, 0) as decimal(18, 2))
            as pipeline_influenced_reporting,
        cast(coalesce(attributed_won.won_attributed_reporting, 0) as decimal(18, 2))
            as won_attributed_reporting,
        cast({{ divide(
            'coalesce(attributed_won.won_attributed_reporting, 0) - campaign_costs.cost_reporting',
            'campaign_costs.cost_reporting', 4) }} as decimal(18, 4)) as roi,
        cast({{ divide('campaign_costs.cost_reporting', 'membership_counts.leads', 2) }} as decimal(18, 2))
            as cost_per_lead,
        cast(
            {{ divide('campaign_costs.cost_reporting', 'opportunity_counts.opportunities_sourced', 2) }}
            as decimal(18, 2)
        ) as cost_per_opportunity
    from campaigns
    cross join models
    left join campaign_costs on campaigns.campaign_id = campaign_costs.campaign_id
    left join membership_counts on campaigns.campaign_id = membership_counts.campaign_id
    left join opportunity_counts on campaigns.campaign_id = opportunity_counts.campaign_id
    left join influenced_pipeline on campaigns.campaign_id = influenced_pipeline.campaign_id
    left join attributed_won
        on
        campaigns.campaign_id = attributed_won.campaign_id
        and models.attribution_model = attributed_won.attribution_model
)

select * from final
