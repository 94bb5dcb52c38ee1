-- Draw payments and recoveries as payout ledger entries, in the shape of
-- int_payout_entries_expected: draw (+ paid), draw_recovery (− recovered).
with

schedule as (
    select * from {{ ref('int_draw_schedule') }}
),

entries as (
    select
        {{ ledger_entry(
            entry_key="'draw|' || user_id || '|' || cast(draw_month as " ~ dbt.type_string() ~ ")",
            entry_type="'draw'",
            user_id="user_id",
            ledger_month="draw_month",
            currency_code="currency_code",
            amount="draw_amount",
            plan_id="plan_id",
            plan_version="plan_version",
            entry_note="case when draw_recoverable then 'recoverable draw' else 'non-recoverable draw' end"
        ) }}
    from schedule
    where draw_amount <> 0
    union all
    select
        {{ ledger_entry(
            entry_key="'draw_recovery|' || user_id || '|' || cast(draw_month as " ~ dbt.type_string() ~ ")",
            entry_type="'draw_recovery'",
            user_id="user_id",
            ledger_month="draw_month",
            currency_code="currency_code",
            amount="-1 * recovered_amount",
            plan_id="plan_id",
            plan_version="plan_version",
            entry_note="'recovery of a recoverable draw'"
        ) }}
    from schedule
    where recovered_amount <> 0
)

select * from entries
