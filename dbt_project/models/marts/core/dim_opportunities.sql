-- One row per deal with its name and account: what a commission line or a movement row points at,
-- in every serving store (the compensation store has no pipeline marts).
with

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

final as (
    select
        opportunity_id,
        opportunity_name,
        account_id,
        account_name,
        owner_id,
        opportunity_type,
        stage_name,
        currency_code,
        amount,
        close_date,
        is_won
    from opportunities
)

select * from final
