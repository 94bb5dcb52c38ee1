{{ config(meta={'dagster': {'ref': {'name': 'fct_pipeline_movement'}}}) }}  -- shown in Dagster as a check on fct_pipeline_movement
-- Every bucket of the waterfall is the sum of its bridge rows (outflows shown positive), for
-- every rep, period and scope: BI can drill from a bar to its deals and get the same total.
-- An incremental build's test reads the periods it rebuilt (macros/rebuilt_since.sql): older
-- periods of both facts are as the build that wrote them left them, and its test passed.
with

movement as (
    select * from {{ ref('fct_pipeline_movement') }}
    {{ where_rebuilt('period_end', 'movement_lookback_days') }}
),

bridge as (
    select * from {{ ref('fct_pipeline_movement_bridge') }}
    {{ where_rebuilt('period_end', 'movement_lookback_days') }}
),

{% set inflows = ['created', 'reopened', 'pulled_in', 'transferred_in', 'increased'] %}
{% set outflows = ['decreased', 'pushed_out', 'transferred_out', 'won', 'lost', 'removed'] %}

bridge_sums as (
    select
        period_grain,
        period_start,
        pipeline_scope,
        {%- for bucket in inflows + outflows %}
        {{ '-1 * ' if bucket in outflows }}sum(
            case when movement_bucket = '{{ bucket }}' then movement_amount else 0 end
        ) as {{ bucket }},
        {%- endfor %}
        rep_id
    from bridge
    group by period_grain, period_start, pipeline_scope, rep_id
)

select movement.*
from movement
left join bridge_sums
    on movement.period_grain = bridge_sums.period_grain
    and movement.period_start = bridge_sums.period_start
    and movement.pipeline_scope = bridge_sums.pipeline_scope
    and movement.rep_id = bridge_sums.rep_id
where
    false
    {%- for bucket in inflows + outflows %}
    or movement.{{ bucket }} <> coalesce(bridge_sums.{{ bucket }}, 0)
    {%- endfor %}
