-- Zoho campaigns, live ones only.

with

zoho_campaigns as (
    select * from {{ ref('stg_zoho__campaigns') }}
    where not is_deleted
),

campaigns as (
    select
        campaign_id,
        campaign_name,
        campaign_type,
        campaign_status,
        parent_campaign_id,
        start_date,
        end_date,
        currency_code,
        budgeted_cost,
        actual_cost
    from zoho_campaigns
)

select * from campaigns
