-- History mode: every version of every Zoho user loaded, with the time range in which each was the
-- current one (manager from Reporting_To). The newest version per user is stg_zoho__users.
with

source as (
    {{ raw_versions(source('zoho', 'users'), 'id', 'modified_time') }}
),

versions as (
    select
        id as user_id,
        {{ version_range('id', 'modified_time') }},
        reporting_to_id as manager_id,
        role_id,
        coalesce(lower(status) = 'active', false) as is_active
    from source
)

select * from versions
