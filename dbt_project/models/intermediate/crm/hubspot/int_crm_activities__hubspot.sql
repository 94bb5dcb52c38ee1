-- HubSpot engagements, live ones only: calls, e-mails, meetings and tasks. Their deal
-- associations are not loaded yet, so they count per rep but not per deal; a call, e-mail or
-- meeting is done once its time has passed, a task when its status is COMPLETED.

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

activities as (
    select
        call_id as activity_id,
        'call' as activity_type,
        owner_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        {{ local_date('coalesce(activity_at, created_at)') }} as activity_date,
        {{ local_date('coalesce(activity_at, created_at)') }} <= {{ as_of_date() }} as is_completed
    from calls
    union all
    select
        email_id as activity_id,
        'email' as activity_type,
        owner_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        {{ local_date('coalesce(activity_at, created_at)') }} as activity_date,
        {{ local_date('coalesce(activity_at, created_at)') }} <= {{ as_of_date() }} as is_completed
    from emails
    union all
    select
        meeting_id as activity_id,
        'meeting' as activity_type,
        owner_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        {{ local_date('coalesce(activity_at, created_at)') }} as activity_date,
        {{ local_date('coalesce(activity_at, created_at)') }} <= {{ as_of_date() }} as is_completed
    from meetings
    union all
    select
        task_id as activity_id,
        'task' as activity_type,
        owner_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        {{ local_date('coalesce(activity_at, created_at)') }} as activity_date,
        coalesce(task_status = 'COMPLETED', false) as is_completed
    from tasks
)

select * from activities
