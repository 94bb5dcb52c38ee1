-- Revenue splits of a deal sum to exactly 100 %; overlay splits may add beyond that.
with

splits as (
    select * from {{ ref('int_crm_opportunity_splits') }}
    where split_type = 'Revenue'
),

per_opportunity as (
    select
        opportunity_id,
        sum(split_pct) as revenue_split_pct
    from splits
    group by opportunity_id
)

select * from per_opportunity
where revenue_split_pct <> 100
