-- SPIFFs earned: one row per credited deal × SPIFF of the plan in force that it qualifies for
-- (credit date inside the SPIFF's window, both ends inclusive; deal type and minimum term when
-- the SPIFF sets them). A flat SPIFF is shared by split percentage; a percentage SPIFF pays
-- its amount (a fraction: 0.02 = 2 %) of the credited amount in plan currency.
with

crediting_events as (
    select * from {{ ref('fct_crediting_events') }}
),

credited_bookings as (
    select * from {{ ref('int_bookings_credited') }}
),

spiffs as (
    select * from {{ ref('stg_plans__comp_plan_spiffs') }}
),

qualifying as (
    select
        crediting_events.credit_id,
        crediting_events.opportunity_id,
        crediting_events.user_id,
        crediting_events.credit_date,
        crediting_events.plan_id,
        crediting_events.plan_version,
        crediting_events.plan_currency_code,
        crediting_events.split_pct,
        crediting_events.credited_amount_plan_currency,
        spiffs.plan_spiff_key,
        spiffs.spiff_name,
        spiffs.spiff_kind,
        spiffs.spiff_amount
    from crediting_events
    inner join credited_bookings
        on crediting_events.credit_id = credited_bookings.credit_id
    inner join spiffs
        on crediting_events.plan_id = spiffs.plan_id
        and crediting_events.plan_version = spiffs.plan_version
        and crediting_events.credit_date between spiffs.window_from and spiffs.window_to
    where (
        spiffs.deal_type is null
        or (spiffs.deal_type = 'new_business' and crediting_events.opportunity_type = 'New Business')
        or (spiffs.deal_type = 'expansion' and crediting_events.opportunity_type = 'Expansion')
        or (spiffs.deal_type = 'renewal' and crediting_events.opportunity_type = 'Renewal')
    )
    and (spiffs.min_term_months is null or credited_bookings.term_months >= spiffs.min_term_months)
),

final as (
    select
        {{ dbt.hash("credit_id || '|' || plan_spiff_key") }} as spiff_award_id,
        qualifying.*,
        case qualifying.spiff_kind
            when 'flat' then {{ round_money(divide('spiff_amount * split_pct', '100', 8)) }}
            else {{ round_money('credited_amount_plan_currency * spiff_amount') }}
        end as spiff_award_amount
    from qualifying
)

select * from final
