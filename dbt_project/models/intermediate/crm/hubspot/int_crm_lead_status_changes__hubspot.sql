-- A HubSpot lead's lifecycle stages as status changes: each "Became a ... date" is a change to
-- that stage (HubSpot's internal value, which the var lead_funnel_stages maps), from the stage
-- before it.

with

contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
    where not is_archived
),

stage_dates as (
    {%- for stage, column in [('marketingqualifiedlead', 'became_mql_at'), ('salesqualifiedlead', 'became_sql_at'),
                              ('opportunity', 'became_opportunity_at')] %}
    select
        contact_id as lead_id,
        {{ column }} as changed_at,
        '{{ stage }}' as new_status
    from contacts
    where {{ column }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

lead_status_changes as (
    select
        lead_id,
        changed_at,
        coalesce(
            lag(new_status) over (partition by lead_id order by changed_at, new_status), 'lead'
        ) as old_status,
        new_status
    from stage_dates
)

select * from lead_status_changes
