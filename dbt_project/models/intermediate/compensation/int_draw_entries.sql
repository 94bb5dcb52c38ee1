-- Draw payments and recoveries as payout ledger entries, in the shape of
-- int_payout_entries_expected: draw (+ paid), draw_recovery (− recovered).
with

schedule as (
    select * from {{ ref('int_draw_schedule') }}
),

entries as (
    select
        'draw|' || user_id || '|' || cast(draw_month as {{ dbt.type_string() }}) as entry_key,
        'draw' as entry_type,
        user_id,
        draw_month as ledger_month,
        currency_code,
        draw_amount as amount,
        case when draw_recoverable then 'recoverable draw' else 'non-recoverable draw' end as entry_note,
        plan_id,
        plan_version
    from schedule
    where draw_amount <> 0
    union all
    select
        'draw_recovery|' || user_id || '|' || cast(draw_month as {{ dbt.type_string() }}),
        'draw_recovery',
        user_id,
        draw_month,
        currency_code,
        -1 * recovered_amount,
        'recovery of a recoverable draw',
        plan_id,
        plan_version
    from schedule
    where recovered_amount <> 0
),

final as (
    select
        entry_key,
        entry_type,
        user_id,
        ledger_month,
        currency_code,
        cast(amount as decimal(18, 2)) as amount,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        cast(null as {{ dbt.type_string() }}) as credit_id,
        cast(null as {{ dbt.type_string() }}) as commission_line_id,
        cast(null as {{ dbt.type_string() }}) as invoice_id,
        cast(null as {{ dbt.type_string() }}) as payment_id,
        cast(null as {{ dbt.type_string() }}) as credit_note_id,
        cast(null as {{ dbt.type_string() }}) as spiff_award_id,
        plan_id,
        plan_version,
        cast(0 as decimal(18, 2)) as accelerator_uplift_amount,
        entry_note
    from entries
)

select * from final
