-- A table: a model and its own test read it, and each would compute a view of it again.
{{ config(materialized='table') }}
-- When each opportunity entered the stage it is in now (the start of its last run of that stage).
with

history as (
    select * from {{ ref('int_crm_opportunity_history') }}
),

with_previous_stage as (
    select
        opportunity_id,
        stage_name,
        changed_at,
        lag(stage_name) over (partition by opportunity_id order by changed_at) as previous_stage_name
    from history
),

stage_changes as (
    select
        opportunity_id,
        stage_name,
        changed_at
    from with_previous_stage
    where previous_stage_name is null or previous_stage_name <> stage_name
),

final as (
    select
        opportunity_id,
        max(changed_at) as current_stage_entered_at
    from stage_changes
    group by opportunity_id
)

select * from final
