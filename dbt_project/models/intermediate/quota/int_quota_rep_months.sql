-- The unit every quota figure adds up from: one row per rep × month of each quota period, with
-- the month's share of the (already ramped) quota, the rep's credited bookings in the month,
-- and the team / territory / region the quota belongs to (the rep's team on the quota period's
-- start, or on the hire date when the rep joined during it). A quarter's quota is spread over
-- its months by days, rounded to cents, the last month taking the remainder, so months add up
-- to the quarter exactly. Bookings outside every quota period of the rep are not attained.
with

quotas as (
    select * from {{ ref('stg_plans__quotas') }}
),

users as (
    select * from {{ ref('int_crm_users') }}
),

memberships as (
    select * from {{ ref('int_rep_team_memberships_enriched') }}
),

credited_bookings as (
    select * from {{ ref('int_bookings_credited') }}
),

month_offsets as (
    {% for offset in range(12) %}
    select {{ offset }} as month_offset {% if not loop.last %}
    union all{% endif %}
    {% endfor %}
),

quota_months as (
    select
        quotas.quota_id,
        quotas.user_id,
        quotas.period_start as quota_period_start,
        quotas.period_end as quota_period_end,
        quotas.quota_amount,
        cast({{ dbt.dateadd('month', 'month_offsets.month_offset', dbt.date_trunc('month', 'quotas.period_start')) }} as date) as month_start
    from quotas
    cross join month_offsets
),

month_days as (
    select
        quota_months.*,
        {{ period_end('month', 'quota_months.month_start') }} as month_end,
        greatest(quota_months.month_start, quota_months.quota_period_start) as covered_from,
        least({{ period_end('month', 'quota_months.month_start') }}, quota_months.quota_period_end) as covered_to
    from quota_months
    where quota_months.month_start <= quota_months.quota_period_end
),

shares as (
    select
        month_days.*,
        {{ round_money(
            'month_days.quota_amount * ' ~ divide(
                dbt.datediff('month_days.covered_from', 'month_days.covered_to', 'day') ~ ' + 1',
                dbt.datediff('month_days.quota_period_start', 'month_days.quota_period_end', 'day') ~ ' + 1',
                12)
        ) }} as rounded_share,
        row_number() over (partition by month_days.quota_id order by month_days.month_start desc) as months_from_end
    from month_days
),

allocated as (
    select
        shares.*,
        case
            when shares.months_from_end = 1
                then shares.quota_amount - coalesce(sum(shares.rounded_share) over (
                        partition by shares.quota_id order by shares.month_start
                        rows between unbounded preceding and 1 preceding
                    ), 0)
            else shares.rounded_share
        end as month_quota_amount
    from shares
),

with_team_date as (
    select
        allocated.*,
        users.user_name as rep_name,
        greatest(allocated.quota_period_start, coalesce(users.hire_date, allocated.quota_period_start)) as team_date
    from allocated
    left join users
        on allocated.user_id = users.user_id
),

bookings_per_month as (
    select
        with_team_date.quota_id,
        with_team_date.month_start,
        sum(credited_bookings.credited_amount_reporting) as bookings_credited
    from with_team_date
    inner join credited_bookings
        on with_team_date.user_id = credited_bookings.user_id
        and credited_bookings.credit_date between with_team_date.covered_from and with_team_date.covered_to
    group by with_team_date.quota_id, with_team_date.month_start
),

final as (
    select
        with_team_date.quota_id,
        with_team_date.user_id as rep_id,
        with_team_date.rep_name,
        memberships.team_id,
        memberships.team_name,
        memberships.territory_id,
        memberships.territory_name,
        memberships.region,
        with_team_date.month_start,
        with_team_date.month_end,
        {{ period_start('quarter', 'with_team_date.month_start') }} as quarter_start,
        {{ period_start('year', 'with_team_date.month_start') }} as year_start,
        cast(with_team_date.month_quota_amount as decimal(18, 2)) as quota_amount,
        cast(coalesce(bookings_per_month.bookings_credited, 0) as decimal(18, 2)) as bookings_credited
    from with_team_date
    left join memberships
        on with_team_date.user_id = memberships.user_id
        and {{ is_valid_on('with_team_date.team_date', 'memberships') }}
    left join bookings_per_month
        on with_team_date.quota_id = bookings_per_month.quota_id
        and with_team_date.month_start = bookings_per_month.month_start
)

select * from final
