-- The pipeline waterfall per period grain × period × rep, from the per-deal bridge:
-- open_at_start + created + reopened + pulled_in + transferred_in + increased − decreased
-- − pushed_out − transferred_out − won − lost − removed + fx_revaluation = open_at_end,
-- exactly (every bridge row satisfies it, and these are its sums). Outflows are positive
-- amounts subtracted in the identity; fx_revaluation is signed.
with

bridge as (
    select * from {{ ref('fct_pipeline_movement_bridge') }}
),

memberships as (
    select * from {{ ref('int_rep_team_memberships_enriched') }}
),

{% set inflows = ['created', 'reopened', 'pulled_in', 'transferred_in', 'increased'] %}
{% set outflows = ['decreased', 'pushed_out', 'transferred_out', 'won', 'lost', 'removed'] %}

per_rep as (
    select
        period_grain,
        period_start,
        period_end,
        rep_id,
        count(*) as opportunity_count,
        sum(start_value) as open_at_start,
        {% for bucket in inflows %}
        sum(case when movement_bucket = '{{ bucket }}' then movement_amount else 0 end) as {{ bucket }},
        {% endfor %}
        {% for bucket in outflows %}
        -1 * sum(case when movement_bucket = '{{ bucket }}' then movement_amount else 0 end) as {{ bucket }},
        {% endfor %}
        sum(fx_revaluation) as fx_revaluation,
        sum(end_value) as open_at_end
    from bridge
    group by period_grain, period_start, period_end, rep_id
),

final as (
    select
        per_rep.period_grain,
        per_rep.period_start,
        per_rep.period_end,
        per_rep.rep_id,
        memberships.team_id,
        memberships.region,
        cast(per_rep.opportunity_count as integer) as opportunity_count,
        cast(per_rep.open_at_start as decimal(18, 2)) as open_at_start,
        {% for bucket in inflows + outflows %}
        cast(per_rep.{{ bucket }} as decimal(18, 2)) as {{ bucket }},
        {% endfor %}
        cast(per_rep.fx_revaluation as decimal(18, 2)) as fx_revaluation,
        cast(per_rep.open_at_end as decimal(18, 2)) as open_at_end
    from per_rep
    left join memberships
        on per_rep.rep_id = memberships.user_id
        and {{ is_valid_on('per_rep.period_end', 'memberships') }}
)

select * from final
