{{ config(meta={'dagster': {'ref': {'name': 'fct_campaign_attribution'}}}) }}  -- shown in Dagster as a check on fct_campaign_attribution
-- Every won opportunity with a campaign touch is attributed under every model, and each model's
-- attributed amounts sum to the opportunity's amount to the cent; lost and open deals attribute
-- nothing. Rows returned are the opportunity × model pairs that break it.
with

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

touched as (
    select distinct opportunity_id from {{ ref('int_campaign_touches') }}
),

attribution as (
    select * from {{ ref('fct_campaign_attribution') }}
),

models as (
    {{ attribution_model_rows() }}
),

expected as (
    select
        opportunities.opportunity_id,
        models.attribution_model,
        case when opportunities.is_won then opportunities.amount_reporting else 0 end as amount_reporting
    from opportunities
    inner join touched on opportunities.opportunity_id = touched.opportunity_id
    cross join models
),

attributed as (
    select
        opportunity_id,
        attribution_model,
        sum(attributed_amount_reporting) as attributed_reporting
    from attribution
    group by 1, 2
)

select
    coalesce(expected.opportunity_id, attributed.opportunity_id) as opportunity_id,
    coalesce(expected.attribution_model, attributed.attribution_model) as attribution_model,
    expected.amount_reporting,
    attributed.attributed_reporting
from expected
full outer join attributed
    on
    expected.opportunity_id = attributed.opportunity_id
    and expected.attribution_model = attributed.attribution_model
where coalesce(expected.amount_reporting, -1) != coalesce(attributed.attributed_reporting, 0)
