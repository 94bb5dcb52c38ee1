{{ config(meta={'dagster': {'ref': {'name': 'fct_campaign_performance'}}}) }}  -- shown in Dagster as a check on fct_campaign_performance
-- Campaign ROI reconciles with its sources: under each model the campaigns' attributed won sum
-- to the won amount of every touched won deal (fct_opportunities), to the cent; each campaign's
-- cost is its CRM actual cost or, without one, the sum of finance's marketing spend rows that
-- name it, converted at the month's rate; and ROI is (attributed won - cost) ÷ cost.
with

performance as (
    select * from {{ ref('fct_campaign_performance') }}
),

campaigns as (
    select * from {{ ref('int_crm_campaigns') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_ranged') }}
),

won_touched as (
    select sum(opportunities.amount_reporting) as won_reporting
    from {{ ref('fct_opportunities') }} as opportunities
    where
        opportunities.is_won
        and opportunities.opportunity_id in (select touches.opportunity_id from {{ ref('int_campaign_touches') }} as touches)
),

won_by_model as (
    select
        attribution_model,
        sum(won_attributed_reporting) as attributed_reporting
    from performance
    group by 1
),

spend as (
    select
        spend.campaign_id,
        sum(spend.amount * fx_rates.rate_to_reporting) as spend_reporting
    from {{ ref('stg_finance__marketing_spend') }} as spend
    inner join fx_rates
        on
        spend.currency_code = fx_rates.currency_code
        and spend.spend_month >= fx_rates.valid_from
        and (fx_rates.valid_to is null or spend.spend_month < fx_rates.valid_to)
    group by 1
),

actual as (
    select
        campaigns.campaign_id,
        campaigns.actual_cost * fx_rates.rate_to_reporting as actual_reporting
    from campaigns
    inner join fx_rates
        on
        campaigns.currency_code = fx_rates.currency_code
        and campaigns.start_date >= fx_rates.valid_from
        and (fx_rates.valid_to is null or campaigns.start_date < fx_rates.valid_to)
    where campaigns.actual_cost is not null
),

won_breaks as (
    select
        'attributed won' as broken_rule,
        won_by_model.attribution_model as detail
    from won_by_model
    cross join won_touched
    where won_by_model.attributed_reporting != coalesce(won_touched.won_reporting, 0)
),

cost_breaks as (
    select
        'cost' as broken_rule,
        performance.campaign_id as detail
    from performance
    left join actual on performance.campaign_id = actual.campaign_id
    left join spend on performance.campaign_id = spend.campaign_id
    where
        abs(
            coalesce(performance.cost_reporting, 0)
            - round(coalesce(actual.actual_reporting, spend.spend_reporting, 0), 2)
        ) > 0.005
),

roi_breaks as (
    select
        'roi' as broken_rule,
        campaign_id as detail
    from performance
    where
        cost_reporting > 0
        and abs(roi - (won_attributed_reporting - cost_reporting) / cost_reporting) > 0.0001
)

select * from won_breaks
union all
select * from cost_breaks
union all
select * from roi_breaks
