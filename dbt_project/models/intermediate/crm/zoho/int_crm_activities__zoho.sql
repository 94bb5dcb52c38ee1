-- Zoho activities, live ones only: calls, tasks and events (meetings). A task is done when its
-- status is Completed; a call or a meeting once its day has passed. The deal an activity is about
-- is its What_Id when that is a deal (What_Id may name a lead, contact or account as well).

with

calls as (
    select * from {{ ref('stg_zoho__calls') }}
    where not is_deleted
),

tasks as (
    select * from {{ ref('stg_zoho__tasks') }}
    where not is_deleted
),

events as (
    select * from {{ ref('stg_zoho__events') }}
    where not is_deleted
),

deals as (
    select deal_id from {{ ref('stg_zoho__deals') }}
),

activities as (
    select
        call_id as activity_id,
        'call' as activity_type,
        owner_id,
        related_record_id,
        coalesce({{ local_date('started_at') }}, {{ local_date('created_at') }}) as activity_date,
        coalesce({{ local_date('started_at') }}, {{ local_date('created_at') }}) <= {{ as_of_date() }} as is_completed
    from calls
    union all
    select
        task_id as activity_id,
        'task' as activity_type,
        owner_id,
        related_record_id,
        coalesce(due_date, {{ local_date('created_at') }}) as activity_date,
        coalesce(task_status = 'Completed', false) as is_completed
    from tasks
    union all
    select
        event_id as activity_id,
        'meeting' as activity_type,
        owner_id,
        related_record_id,
        coalesce({{ local_date('started_at') }}, {{ local_date('created_at') }}) as activity_date,
        coalesce({{ local_date('started_at') }}, {{ local_date('created_at') }}) <= {{ as_of_date() }} as is_completed
    from events
),

final as (
    select
        activities.activity_id,
        activities.activity_type,
        activities.owner_id,
        deals.deal_id as opportunity_id,
        activities.activity_date,
        activities.is_completed
    from activities
    left join deals on activities.related_record_id = deals.deal_id
)

select * from final
