-- Each salesforce user's manager over time, from the user's versions: the first version counts from
-- the beginning (a user's manager before the CRM sent a version is the first one known).

with

user_versions as (
    select * from {{ ref('stg_salesforce__user_versions') }}
),

manager_history as (
    select
        user_id,
        manager_id,
        case when version_number = 1 then cast('1900-01-01' as timestamp) else valid_from end as valid_from,
        valid_to
    from user_versions
)

select * from manager_history
