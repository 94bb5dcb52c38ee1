{#- Fails for each value of the key column held by more than one row, and for the rows without one
    (one failing row for all of them): dbt's unique and not_null in one query. Every test is a dbt
    node, and a node costs dbt some 50 ms whatever the data: one node per key instead of two. -#}
{% test primary_key(model, column_name) %}
select
    {{ column_name }},
    count(*) as n_records
from {{ model }}
group by {{ column_name }}
having count(*) > 1 or {{ column_name }} is null
{% endtest %}
