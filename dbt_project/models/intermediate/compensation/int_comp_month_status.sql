-- The compensation calendar's state: the last closed month (closed months are always every
-- month up to it) and the first open month, where changes to closed months land. One row.
with

period_log as (
    select * from {{ ref('stg_comp_control__period_log') }}
),

latest_actions as (
    select
        period_month,
        period_action,
        row_number() over (partition by period_month order by acted_at desc) as recency
    from period_log
),

closed as (
    select max(period_month) as last_closed_month
    from latest_actions
    where recency = 1
        and period_action = 'close'
),

final as (
    select
        last_closed_month,
        cast({{ dbt.dateadd('month', 1, 'last_closed_month') }} as date) as first_open_month
    from closed
)

select * from final
