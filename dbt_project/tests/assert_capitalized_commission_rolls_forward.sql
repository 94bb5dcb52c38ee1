-- The capitalised-commission roll-forward ties out: each month opens where the last closed,
-- and opening + capitalised - amortised - written off = closing.
with

accruals as (
    select
        *,
        lag(capitalized_closing_amount) over (
            partition by user_id, currency_code order by accrual_month
        ) as previous_closing_amount
    from {{ ref('fct_commission_accruals') }}
)

select *
from accruals
where capitalized_opening_amount + capitalized_amount - amortized_amount - written_off_amount
    <> capitalized_closing_amount
    or capitalized_opening_amount <> coalesce(previous_closing_amount, 0)
    or capitalized_closing_amount < 0
