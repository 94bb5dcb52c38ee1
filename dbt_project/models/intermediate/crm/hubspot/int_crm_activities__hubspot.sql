-- HubSpot engagements, live ones only: calls, e-mails, meetings and tasks, on the deal they are
-- associated with (the first by id when several); a call, e-mail or meeting is done once its time
-- has passed, a task when its status is COMPLETED.

with

calls as (
    select * from {{ ref('stg_hubspot__calls') }}
    where not is_archived
),

emails as (
    select * from {{ ref('stg_hubspot__emails') }}
    where not is_archived
),

meetings as (
    select * from {{ ref('stg_hubspot__meetings') }}
    where not is_archived
),

tasks as (
    select * from {{ ref('stg_hubspot__tasks') }}
    where not is_archived
),

engagement_deals as (
    select
        engagement_type,
        engagement_id,
        min(deal_id) as deal_id
    from {{ ref('stg_hubspot__engagement_deal_associations') }}
    group by 1, 2
),

activities as (
    select
        call_id as activity_id,
        'call' as engagement_type,
        'call' as activity_type,
        owner_id,
        {{ local_date('coalesce(activity_at, created_at)') }} as activity_date,
        {{ local_date('coalesce(activity_at, created_at)') }} <= {{ as_of_date() }} as is_completed
    from calls
    union all
    select
        email_id as activity_id,
        'email' as engagement_type,
        'email' as activity_type,
        owner_id,
        {{ local_date('coalesce(activity_at, created_at)') }} as activity_date,
        {{ local_date('coalesce(activity_at, created_at)') }} <= {{ as_of_date() }} as is_completed
    from emails
    union all
    select
        meeting_id as activity_id,
        'meeting' as engagement_type,
        'meeting' as activity_type,
        owner_id,
        {{ local_date('coalesce(activity_at, created_at)') }} as activity_date,
        {{ local_date('coalesce(activity_at, created_at)') }} <= {{ as_of_date() }} as is_completed
    from meetings
    union all
    select
        task_id as activity_id,
        'task' as engagement_type,
        'task' as activity_type,
        owner_id,
        {{ local_date('coalesce(activity_at, created_at)') }} as activity_date,
        coalesce(task_status = 'COMPLETED', false) as is_completed
    from tasks
),

final as (
    select
        activities.activity_id,
        activities.activity_type,
        activities.owner_id,
        engagement_deals.deal_id as opportunity_id,
        activities.activity_date,
        activities.is_completed
    from activities
    left join engagement_deals
        on
        activities.activity_id = engagement_deals.engagement_id
        and activities.engagement_type = engagement_deals.engagement_type
)

select * from final
