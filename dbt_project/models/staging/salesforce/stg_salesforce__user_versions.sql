-- History mode: every version of every user the CRM sent, with the time range in which each was
-- the current one: manager, title and role as they were on any day. The newest version per user
-- is stg_salesforce__users.
with

source as (
    {{ raw_versions(source('salesforce', 'user'), 'id', 'system_modstamp') }}
),

versions as (
    select
        id as user_id,
        {{ version_range('id', 'system_modstamp') }},
        manager_id,
        user_role_id,
        title,
        is_active
    from source
)

select * from versions
