{#- dbt's `relationships` test, returning the whole failing child rows instead of the orphan values
    alone: the stored failures (and the run's failure message) then name each row by its key, as
    the other checks do. Same rule; `not exists` is an anti-join on every engine. `model` may be
    a filtered subquery that carries its own alias (a `where` config), hence the select around it. -#}
{% macro default__test_relationships(model, column_name, to, field) %}

select child.*
from (select * from {{ model }}) as child
where
    child.{{ column_name }} is not null
    and not exists (
        select 1
        from {{ to }} as parent
        where parent.{{ field }} = child.{{ column_name }}
    )

{% endmacro %}
