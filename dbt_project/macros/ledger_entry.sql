{#- One payout ledger entry as a select list, the one definition of its columns: every branch of
    int_payout_entries_expected and int_draw_entries renders it, so they union column for column
    and fct_payout_ledger reads one shape. Arguments are SQL expressions; an id the entry does
    not point at is a typed null. -#}
{% macro ledger_entry(
    entry_key, entry_type, user_id, ledger_month, currency_code, amount,
    opportunity_id=none, credit_id=none, commission_line_id=none, invoice_id=none,
    payment_id=none, credit_note_id=none, spiff_award_id=none, plan_id=none, plan_version=none,
    accelerator_uplift_amount='0', entry_note=none
) -%}
    {%- set null_text = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
    {%- set columns = [
        ('entry_key', entry_key), ('entry_type', entry_type), ('user_id', user_id),
        ('ledger_month', ledger_month), ('currency_code', currency_code),
        ('amount', 'cast(' ~ amount ~ ' as decimal(18, 2))'),
        ('opportunity_id', opportunity_id), ('credit_id', credit_id),
        ('commission_line_id', commission_line_id), ('invoice_id', invoice_id),
        ('payment_id', payment_id), ('credit_note_id', credit_note_id),
        ('spiff_award_id', spiff_award_id), ('plan_id', plan_id), ('plan_version', plan_version),
        ('accelerator_uplift_amount', 'cast(' ~ accelerator_uplift_amount ~ ' as decimal(18, 2))'),
        ('entry_note', entry_note),
    ] -%}
    {%- for column, value in columns %}
        {{ value if value is not none else null_text }}{{ ' as ' ~ column if value != column }}
        {{- ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
