-- Quota attainment per rep and quota period (quarter): ramped quota against bookings credited
-- (splits applied, reporting currency at close-date rates) closed within the period.
with

quotas as (
    select * from {{ ref('stg_plans__quotas') }}
),

credited_bookings as (
    select * from {{ ref('int_bookings_credited') }}
),

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

memberships as (
    select * from {{ ref('int_rep_team_memberships_enriched') }}
),

bookings_per_period as (
    select
        quotas.quota_id,
        coalesce(sum(credited_bookings.credited_amount_reporting), 0) as bookings_credited
    from quotas
    left join credited_bookings
        on quotas.user_id = credited_bookings.user_id
        and credited_bookings.credit_date between quotas.period_start and quotas.period_end
    group by quotas.quota_id
),

-- The team a quota belongs to: the rep's team on the period start, or on the hire date when
-- the rep joined during the period.
with_elapsed_share as (
    select
        quotas.*,
        users.user_name as rep_name,
        greatest(quotas.period_start, coalesce(users.hire_date, quotas.period_start)) as team_date,
        case
            when {{ as_of_date() }} > quotas.period_end then cast(1 as decimal(18, 6))
            when {{ as_of_date() }} < quotas.period_start then cast(0 as decimal(18, 6))
            else {{ divide(dbt.datediff('quotas.period_start', as_of_date(), 'day') ~ ' + 1',
                           dbt.datediff('quotas.period_start', 'quotas.period_end', 'day') ~ ' + 1') }}
        end as elapsed_share
    from quotas
    left join users
        on quotas.user_id = users.user_id
),

final as (
    select
        quotas.quota_id,
        quotas.user_id,
        quotas.rep_name,
        memberships.team_id,
        memberships.team_name,
        memberships.territory_id,
        memberships.region,
        quotas.period_start,
        quotas.period_end,
        cast(quotas.quota_amount as decimal(18, 2)) as quota_amount,
        cast(quotas.ramp_pct as decimal(5, 2)) as ramp_pct,
        cast(bookings_per_period.bookings_credited as decimal(18, 2)) as bookings_credited,
        cast({{ divide('bookings_per_period.bookings_credited * 100', 'quotas.quota_amount', 2) }} as decimal(18, 2)) as attainment_pct,
        cast(quotas.quota_amount - bookings_per_period.bookings_credited as decimal(18, 2)) as quota_gap,
        cast(quotas.elapsed_share as decimal(18, 6)) as elapsed_share,
        cast({{ divide(divide('bookings_per_period.bookings_credited * 100', 'quotas.quota_amount', 6), 'quotas.elapsed_share', 2) }} as decimal(18, 2)) as pacing_pct
    from with_elapsed_share as quotas
    inner join bookings_per_period
        on quotas.quota_id = bookings_per_period.quota_id
    left join memberships
        on quotas.user_id = memberships.user_id
        and {{ is_valid_on('quotas.team_date', 'memberships') }}
)

select * from final
