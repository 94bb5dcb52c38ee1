-- Stage-to-stage conversion per creation cohort (fiscal quarter the opportunity was created in)
-- × stage of var opportunity_stages, for opportunities not deleted. An opportunity reached a
-- stage when it was ever in that stage or a later one (skipped stages count as reached).
-- Conversion to next = reached the next stage ÷ reached this one. Days in stage: completed
-- visits only (entered → next stage change, company-timezone days); a deal still in a stage
-- is not counted there yet.
{% set stages = var('opportunity_stages') %}
with

opportunities as (
    select * from {{ ref('int_crm_opportunities') }}
    where not is_deleted
),

history as (
    select * from {{ ref('int_crm_opportunity_history') }}
),

stage_order as (
    {% for stage in stages %}
    select '{{ stage }}' as stage_name, {{ loop.index }} as stage_number
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

with_previous_stage as (
    select
        opportunity_id,
        stage_name,
        changed_at,
        lag(stage_name) over (partition by opportunity_id order by changed_at) as previous_stage_name
    from history
),

stage_visits as (
    select
        opportunity_id,
        stage_name,
        changed_at as entered_at,
        lead(changed_at) over (partition by opportunity_id order by changed_at) as left_at
    from with_previous_stage
    where previous_stage_name is null or previous_stage_name <> stage_name
),

furthest_stage as (
    select
        opportunities.opportunity_id,
        {{ period_start('quarter', local_date('opportunities.created_at')) }} as cohort_quarter_start,
        max(stage_order.stage_number) as furthest_stage_number
    from opportunities
    inner join stage_visits
        on opportunities.opportunity_id = stage_visits.opportunity_id
    inner join stage_order
        on stage_visits.stage_name = stage_order.stage_name
    group by opportunities.opportunity_id, {{ period_start('quarter', local_date('opportunities.created_at')) }}
),

reached as (
    select
        furthest_stage.cohort_quarter_start,
        stage_order.stage_number,
        stage_order.stage_name,
        count(*) as reached_count
    from furthest_stage
    inner join stage_order
        on furthest_stage.furthest_stage_number >= stage_order.stage_number
    group by furthest_stage.cohort_quarter_start, stage_order.stage_number, stage_order.stage_name
),

completed_visits as (
    select
        furthest_stage.cohort_quarter_start,
        stage_visits.stage_name,
        {{ dbt.datediff(local_date('stage_visits.entered_at'), local_date('stage_visits.left_at'), 'day') }} as days_in_stage
    from stage_visits
    inner join furthest_stage
        on stage_visits.opportunity_id = furthest_stage.opportunity_id
    where stage_visits.left_at is not null
),

days_in_stage as (
    select
        cohort_quarter_start,
        stage_name,
        count(*) as completed_visit_count,
        -- An exact mean, rounded half away from zero (DuckDB's avg of decimals is a double).
        {{ divide('sum(days_in_stage)', 'count(days_in_stage)', 2) }} as average_days_in_stage,
        {{ median('days_in_stage') }} as median_days_in_stage
    from completed_visits
    group by cohort_quarter_start, stage_name
),

final as (
    select
        reached.cohort_quarter_start,
        cast(reached.stage_number as integer) as stage_number,
        reached.stage_name,
        cast(reached.reached_count as integer) as reached_count,
        cast(coalesce(next_stage.reached_count, 0) as integer) as reached_next_count,
        case
            when next_stage.stage_number is null and reached.stage_number = {{ stages | length }} then null
            else cast({{ divide('coalesce(next_stage.reached_count, 0) * 100', 'reached.reached_count', 2) }} as decimal(9, 2))
        end as conversion_to_next_pct,
        cast({{ divide('coalesce(won.reached_count, 0) * 100', 'reached.reached_count', 2) }} as decimal(9, 2)) as win_rate_from_stage_pct,
        cast(coalesce(days_in_stage.completed_visit_count, 0) as integer) as completed_visit_count,
        cast(days_in_stage.average_days_in_stage as decimal(18, 2)) as average_days_in_stage,
        days_in_stage.median_days_in_stage
    from reached
    left join reached as next_stage
        on reached.cohort_quarter_start = next_stage.cohort_quarter_start
        and next_stage.stage_number = reached.stage_number + 1
    left join reached as won
        on reached.cohort_quarter_start = won.cohort_quarter_start
        and won.stage_number = {{ stages | length }}
    left join days_in_stage
        on reached.cohort_quarter_start = days_in_stage.cohort_quarter_start
        and reached.stage_name = days_in_stage.stage_name
)

select * from final
