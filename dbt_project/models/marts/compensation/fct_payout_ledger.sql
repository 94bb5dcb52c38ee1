{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        on_schema_change='fail',
    )
}}
-- The payout ledger, append-only: a run adds entries it has not booked yet, and for an entry
-- whose amount changed since (a late credit note, a corrected deal) an adjustment entry with the
-- difference, pointing at what it adjusts (same entry_key, adjusted_entry_type, adjusts_month).
-- An entry whose source is gone is reversed the same way. Anything that would land in a closed
-- month lands in the first open month instead, as an adjustment. Nothing booked is ever updated
-- or deleted, and `dbt build --full-refresh` (or `make run`) leaves the table as it is
-- (full_refresh: false).
with

expected as (
    select * from {{ ref('int_payout_entries_expected') }}
    union all
    select * from {{ ref('int_draw_entries') }}
),

month_status as (
    select * from {{ ref('int_comp_month_status') }}
),

{% if is_incremental() %}
booked as (
    select
        entry_key,
        max(user_id) as user_id,
        max(ledger_month) as ledger_month,
        max(currency_code) as currency_code,
        max(opportunity_id) as opportunity_id,
        max(credit_id) as credit_id,
        max(commission_line_id) as commission_line_id,
        max(invoice_id) as invoice_id,
        max(payment_id) as payment_id,
        max(credit_note_id) as credit_note_id,
        max(spiff_award_id) as spiff_award_id,
        max(plan_id) as plan_id,
        max(plan_version) as plan_version,
        max(entry_note) as entry_note,
        max(coalesce(adjusted_entry_type, entry_type)) as original_entry_type,
        max(coalesce(adjusts_month, ledger_month)) as original_month,
        sum(amount) as booked_amount,
        sum(accelerator_uplift_amount) as booked_uplift_amount
    from {{ this }}
    group by entry_key
),
{% else %}
booked as (
    select
        cast(null as {{ dbt.type_string() }}) as entry_key,
        cast(null as {{ dbt.type_string() }}) as user_id,
        cast(null as date) as ledger_month,
        cast(null as {{ dbt.type_string() }}) as currency_code,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        cast(null as {{ dbt.type_string() }}) as credit_id,
        cast(null as {{ dbt.type_string() }}) as commission_line_id,
        cast(null as {{ dbt.type_string() }}) as invoice_id,
        cast(null as {{ dbt.type_string() }}) as payment_id,
        cast(null as {{ dbt.type_string() }}) as credit_note_id,
        cast(null as {{ dbt.type_string() }}) as spiff_award_id,
        cast(null as {{ dbt.type_string() }}) as plan_id,
        cast(null as {{ dbt.type_string() }}) as plan_version,
        cast(null as {{ dbt.type_string() }}) as entry_note,
        cast(null as {{ dbt.type_string() }}) as original_entry_type,
        cast(null as date) as original_month,
        cast(null as decimal(18, 2)) as booked_amount,
        cast(null as decimal(18, 2)) as booked_uplift_amount
    where 1 = 0
),
{% endif %}

new_or_changed as (
    select
        expected.entry_key,
        case when booked.entry_key is null then expected.entry_type else 'adjustment' end as entry_type,
        case when booked.entry_key is null then null else expected.entry_type end as adjusted_entry_type,
        expected.user_id,
        expected.ledger_month,
        expected.currency_code,
        expected.amount - coalesce(booked.booked_amount, 0) as amount,
        expected.opportunity_id,
        expected.credit_id,
        expected.commission_line_id,
        expected.invoice_id,
        expected.payment_id,
        expected.credit_note_id,
        expected.spiff_award_id,
        expected.plan_id,
        expected.plan_version,
        expected.accelerator_uplift_amount - coalesce(booked.booked_uplift_amount, 0) as accelerator_uplift_amount,
        expected.entry_note
    from expected
    left join booked
        on expected.entry_key = booked.entry_key
    where expected.amount <> coalesce(booked.booked_amount, 0)
),

vanished as (
    select
        booked.entry_key,
        'adjustment' as entry_type,
        booked.original_entry_type as adjusted_entry_type,
        booked.user_id,
        booked.original_month as ledger_month,
        booked.currency_code,
        -1 * booked.booked_amount as amount,
        booked.opportunity_id,
        booked.credit_id,
        booked.commission_line_id,
        booked.invoice_id,
        booked.payment_id,
        booked.credit_note_id,
        booked.spiff_award_id,
        booked.plan_id,
        booked.plan_version,
        -1 * booked.booked_uplift_amount as accelerator_uplift_amount,
        booked.entry_note
    from booked
    left join expected
        on booked.entry_key = expected.entry_key
    where expected.entry_key is null
        and booked.booked_amount <> 0
),

appended as (
    select * from new_or_changed
    union all
    select * from vanished
),

-- A change to a closed month is an adjustment in the first open month.
routed as (
    select
        appended.entry_key,
        case when appended.ledger_month <= month_status.last_closed_month
                then 'adjustment'
            else appended.entry_type
        end as entry_type,
        case when appended.ledger_month <= month_status.last_closed_month
                then coalesce(appended.adjusted_entry_type, appended.entry_type)
            else appended.adjusted_entry_type
        end as adjusted_entry_type,
        case when appended.adjusted_entry_type is not null or appended.ledger_month <= month_status.last_closed_month
                then appended.ledger_month
        end as adjusts_month,
        case when appended.ledger_month <= month_status.last_closed_month
                then month_status.first_open_month
            else appended.ledger_month
        end as ledger_month,
        appended.user_id,
        appended.currency_code,
        appended.amount,
        appended.opportunity_id,
        appended.credit_id,
        appended.commission_line_id,
        appended.invoice_id,
        appended.payment_id,
        appended.credit_note_id,
        appended.spiff_award_id,
        appended.plan_id,
        appended.plan_version,
        appended.accelerator_uplift_amount,
        appended.entry_note
    from appended
    cross join month_status
),

final as (
    select
        {{ dbt.hash("entry_key || '|' || '" ~ invocation_id ~ "'") }} as ledger_entry_id,
        entry_key,
        entry_type,
        adjusted_entry_type,
        adjusts_month,
        user_id,
        ledger_month,
        currency_code,
        cast(amount as decimal(18, 2)) as amount,
        cast(accelerator_uplift_amount as decimal(18, 2)) as accelerator_uplift_amount,
        opportunity_id,
        credit_id,
        commission_line_id,
        invoice_id,
        payment_id,
        credit_note_id,
        spiff_award_id,
        plan_id,
        plan_version,
        entry_note,
        '{{ invocation_id }}' as dbt_invocation_id,
        cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }}) as recorded_at
    from routed
)

select * from final
