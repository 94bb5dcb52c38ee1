{#- Closing and reopening compensation months. The log (comp_control.period_log) is the only
    state: a month is closed when its latest action is 'close'. Months close in order (closing M
    closes every open month up to M, each logged), and only the latest closed month can be
    reopened, so closed months are always the months up to one date. The ledger routes any
    change to a closed month into the first open month as an adjustment. -#}

{% macro comp_control_schema() -%}
    {{ return(var('comp_control_schema', 'comp_control')) }}
{%- endmacro %}

{#- on-run-start: the log exists before any model reads it. -#}
{% macro create_comp_control() %}
    {% set schema = comp_control_schema() %}
    {% do adapter.create_schema(api.Relation.create(database=target.database, schema=schema)) %}
    {% set ddl %}
        create table if not exists {{ schema }}.period_log (
            period_month date not null,
            action {{ dbt.type_string() }} not null,
            actor {{ dbt.type_string() }} not null,
            reason {{ dbt.type_string() }},
            acted_at {{ dbt.type_timestamp() }} not null
        )
    {% endset %}
    {% do run_query(ddl) %}
{% endmacro %}

{% macro _last_closed_month() %}
    {% set rows = run_query(
        "select max(period_month) from (select period_month, action, row_number() over "
        ~ "(partition by period_month order by acted_at desc) as recency from "
        ~ comp_control_schema() ~ ".period_log) as latest where recency = 1 and action = 'close'"
    ) %}
    {% set value = rows.columns[0].values()[0] %}
    {{ return(value | string if value is not none else none) }}
{% endmacro %}

{% macro _log_period_action(month, action, actor, reason) %}
    {% do run_query(
        "insert into " ~ comp_control_schema() ~ ".period_log (period_month, action, actor, reason, acted_at) values ("
        ~ "cast('" ~ month ~ "' as date), '" ~ action ~ "', '" ~ actor | replace("'", "''") ~ "', '"
        ~ (reason or '') | replace("'", "''") ~ "', " ~ dbt.current_timestamp() ~ ")"
    ) %}
{% endmacro %}

{#- dbt run-operation close_month --args '{month: 2025-05-01, actor: ..., reason: ...}' -#}
{% macro close_month(month, actor, reason='') %}
    {% do create_comp_control() %}
    {% set month = modules.datetime.date.fromisoformat(month | string).replace(day=1) %}
    {% set last_closed = _last_closed_month() %}
    {% if last_closed is none %}
        {% set first_activity = run_query(
            "select min(ledger_month) from " ~ ref('fct_payout_ledger')
        ).columns[0].values()[0] %}
        {% set start = modules.datetime.date.fromisoformat((first_activity or month) | string) %}
    {% else %}
        {% set closed = modules.datetime.date.fromisoformat(last_closed) %}
        {% set start = (closed.replace(day=28) + modules.datetime.timedelta(days=4)).replace(day=1) %}
    {% endif %}
    {% if start > month %}
        {{ exceptions.raise_compiler_error("Month " ~ month ~ " is already closed (months are closed through " ~ last_closed ~ ").") }}
    {% endif %}
    {% set current = namespace(month=start) %}
    {% for _ in range(1200) if current.month <= month %}
        {% do _log_period_action(current.month, 'close', actor, reason) %}
        {% do log("closed " ~ current.month, info=true) %}
        {% set current.month = (current.month.replace(day=28) + modules.datetime.timedelta(days=4)).replace(day=1) %}
    {% endfor %}
{% endmacro %}

{#- dbt run-operation reopen_month --args '{month: 2025-05-01, actor: ..., reason: ...}' -#}
{% macro reopen_month(month, actor, reason) %}
    {% do create_comp_control() %}
    {% set month = modules.datetime.date.fromisoformat(month | string).replace(day=1) %}
    {% if not reason %}
        {{ exceptions.raise_compiler_error("Reopening a month needs a reason (it is logged with who and when).") }}
    {% endif %}
    {% set last_closed = _last_closed_month() %}
    {% if last_closed is none or month | string != last_closed %}
        {{ exceptions.raise_compiler_error("Only the latest closed month can be reopened; it is " ~ (last_closed or "none") ~ ", not " ~ month ~ ".") }}
    {% endif %}
    {% do _log_period_action(month, 'reopen', actor, reason) %}
    {% do log("reopened " ~ month, info=true) %}
{% endmacro %}
