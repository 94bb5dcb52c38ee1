-- Manual pay adjustments sales ops approves (one-off corrections, guarantees, payouts agreed
-- in a dispute): each becomes a ledger entry in its statement month.
with

source as (
    select * from {{ source('plans', 'manual_adjustments') }}
),

renamed as (
    select
        adjustment_id,
        user_id,
        statement_month,
        amount,
        currency as currency_code,
        reason,
        approved_by
    from source
)

select * from renamed
