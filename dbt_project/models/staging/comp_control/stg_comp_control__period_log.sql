with

source as (
    select * from {{ source('comp_control', 'period_log') }}
),

renamed as (
    select
        period_month,
        action as period_action,
        actor,
        reason,
        acted_at
    from source
)

select * from renamed
