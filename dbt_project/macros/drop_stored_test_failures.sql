{#- Tests no longer store their failing rows (dbt_project.yml, data_tests): the run reads a failed
    test's rows from its compiled query. A warehouse built before keeps a failures view per test
    in the audit schema, which would go on showing an old build's failures as if current; and
    `dbt test --store-failures` run by hand leaves the same. A build starts without them. -#}
{% macro drop_stored_test_failures() -%}
    drop schema if exists {{ generate_schema_name('dbt_test__audit', none) }} cascade
{%- endmacro %}
