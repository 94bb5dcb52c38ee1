{#- Pipeline legs (int_pipeline_legs, as `relation`) once per period grain, with the period each
    belongs to: in the all_open scope the period it happened in, in the closing_in_period scope
    the period holding the deal's close date. A leg is a movement of that period when it
    happened inside it; one of the closing scope that happened before is part of its start. -#}
{% macro legs_by_period(relation) -%}
    {% for grain in ['week', 'month', 'quarter', 'year'] %}
    select
        '{{ grain }}' as period_grain,
        case
            when pipeline_scope = 'all_open' then {{ period_start(grain, 'changed_on') }}
            else {{ period_start(grain, 'close_date') }}
        end as period_start,
        legs_of_grain.*
    from {{ relation }} as legs_of_grain
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
{%- endmacro %}
