-- Salesforce activities, live ones only: tasks by type (Call, Email, else a task) and events
-- (meetings). A task is done when its status is Completed, an event once its day has passed.
-- The deal an activity is about is its WhatId when that is an opportunity (key prefix 006).

with

tasks as (
    select * from {{ ref('stg_salesforce__tasks') }}
    where not is_deleted
),

events as (
    select * from {{ ref('stg_salesforce__events') }}
    where not is_deleted
),

activities as (
    select
        task_id as activity_id,
        case lower(task_type)
            when 'call' then 'call'
            when 'email' then 'email'
            else 'task'
        end as activity_type,
        owner_id,
        case when related_record_id like '006%' then related_record_id end as opportunity_id,
        coalesce(activity_date, {{ local_date('created_at') }}) as activity_date,
        coalesce(task_status = 'Completed', false) as is_completed
    from tasks
    union all
    select
        event_id as activity_id,
        'meeting' as activity_type,
        owner_id,
        case when related_record_id like '006%' then related_record_id end as opportunity_id,
        coalesce(activity_date, {{ local_date('started_at') }}, {{ local_date('created_at') }}) as activity_date,
        coalesce(activity_date, {{ local_date('started_at') }}, {{ local_date('created_at') }})
        <= {{ as_of_date() }} as is_completed
    from events
)

select * from activities
