{#- Seconds since 1970 (a dlt load id, as text) as a timestamp. -#}
{% macro epoch_to_timestamp(seconds) %}
    {{- return(adapter.dispatch('epoch_to_timestamp')(seconds)) -}}
{% endmacro %}

{% macro default__epoch_to_timestamp(seconds) -%}
    to_timestamp(cast({{ seconds }} as double precision))
{%- endmacro %}

{% macro spark__epoch_to_timestamp(seconds) -%}
    timestamp_seconds(cast({{ seconds }} as double))
{%- endmacro %}
