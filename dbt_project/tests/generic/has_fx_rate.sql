{#- Fails for each row whose currency finance publishes no rate for, in either direction: its
    amounts could not be converted into the reporting currency. (The select around `model`: it
    may be a filtered subquery with its own alias.) -#}
{% test has_fx_rate(model, column_name) %}
with

rated_currencies as (
    select from_currency as currency_code from {{ ref('stg_finance__fx_rates') }}
    union
    select to_currency as currency_code from {{ ref('stg_finance__fx_rates') }}
)

select checked.*
from (select * from {{ model }}) as checked
where
    checked.{{ column_name }} is not null
    and checked.{{ column_name }} not in (select currency_code from rated_currencies)
{% endtest %}
