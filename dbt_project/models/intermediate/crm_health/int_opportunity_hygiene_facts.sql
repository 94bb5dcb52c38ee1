-- A table: many models and tests read it, and each would compute a view of it again.
{{ config(materialized='table') }}
-- What the hygiene rules look at, for each deal open at the end of each of the last
-- var crm_hygiene_weeks weeks (the current week: on the as-of date): its state that day (the
-- pipeline snapshot), how long it had been in its stage against that stage's percentile of
-- finished stage runs, how often its close date had been pushed out, whether it had an activity
-- in the rule's days, whether it has a contact, its stage's usual probability (the most common
-- one in the stage's history), and whether its account's normalised name (lower case, letters
-- and digits) or website domain is another live account's too. Which facts a CRM cannot provide is said by has_activity_links / has_contact_roles.
{%- set rules = var('crm_hygiene_rules') %}
with

snapshots as (
    select * from {{ ref('fct_pipeline_snapshots') }}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

history as (
    select * from {{ ref('int_crm_opportunity_history') }}
),

activities as (
    select * from {{ ref('int_crm_activities') }}
),

contact_roles as (
    select * from {{ ref('int_crm_opportunity_contact_roles') }}
),

accounts as (
    select * from {{ ref('int_crm_accounts') }}
),

weeks as (
    select
        period_start as week_start,
        case
            when period_end < {{ as_of_date() }} then period_end else {{ as_of_date() }}
        end as measured_on
    from {{ ref('int_calendar_periods') }}
    where
        period_grain = 'week'
        and period_start > {{ dbt.dateadd('day', -7 * var('crm_hygiene_weeks'), as_of_date()) }}
),

open_deals as (
    select
        weeks.week_start,
        weeks.measured_on,
        snapshots.opportunity_id,
        snapshots.owner_id,
        snapshots.team_id,
        snapshots.stage_name,
        snapshots.close_date,
        snapshots.amount,
        snapshots.probability_pct
    from weeks
    inner join snapshots on weeks.measured_on = snapshots.snapshot_date
),

-- Each run of a stage: from the change that entered it to the change that left it.
stage_changes as (
    select
        opportunity_id,
        stage_name,
        changed_at,
        close_date,
        lag(stage_name) over (partition by opportunity_id order by changed_at) as previous_stage,
        lag(close_date) over (partition by opportunity_id order by changed_at) as previous_close_date
    from history
),

stage_runs as (
    select
        opportunity_id,
        stage_name,
        {{ local_date('changed_at') }} as entered_on,
        {{ local_date('lead(changed_at) over (partition by opportunity_id order by changed_at)') }} as left_on
    from stage_changes
    where previous_stage is null or previous_stage <> stage_name
),

stage_percentiles as (
    select
        stage_name,
        percentile_cont({{ rules.stuck_in_stage.percentile }}) within group (
            order by {{ dbt.datediff('entered_on', 'left_on', 'day') }}
        ) as stuck_after_days
    from stage_runs
    where left_on is not null
    group by 1
),

pushes as (
    select
        opportunity_id,
        {{ local_date('changed_at') }} as pushed_on
    from stage_changes
    where close_date > previous_close_date
),

-- The stage's usual probability: its most common value in the stage's history.
probability_counts as (
    select
        stage_name,
        probability_pct,
        row_number() over (partition by stage_name order by count(*) desc, probability_pct) as frequency_rank
    from history
    where probability_pct is not null
    group by 1, 2
),

-- An account is a likely duplicate when another live account has the same name once lower-cased
-- and stripped to letters and digits, or the same website domain.
normalised_accounts as (
    select
        account_id,
        {{ regexp_replace_all('lower(account_name)', '[^a-z0-9]', '') }} as normalised_name,
        website_domain
    from accounts
    where not is_deleted
),

-- One equality join per rule, not one join on "name or domain": DuckDB cannot hash an OR
-- and compared every pair of accounts (13 s at demo scale 10, 0.1 s this way).
same_name_accounts as (
    select normalised_accounts.account_id
    from normalised_accounts
    inner join normalised_accounts as other_accounts
        on
        normalised_accounts.normalised_name = other_accounts.normalised_name
        and normalised_accounts.account_id <> other_accounts.account_id
    where normalised_accounts.normalised_name <> ''
),

same_domain_accounts as (
    select normalised_accounts.account_id
    from normalised_accounts
    inner join normalised_accounts as other_accounts
        on
        normalised_accounts.website_domain = other_accounts.website_domain
        and normalised_accounts.account_id <> other_accounts.account_id
),

duplicate_accounts as (
    select account_id from same_name_accounts
    union
    select account_id from same_domain_accounts
),

push_counts as (
    select
        open_deals.week_start,
        open_deals.opportunity_id,
        count(*) as close_date_pushes
    from open_deals
    inner join pushes
        on open_deals.opportunity_id = pushes.opportunity_id and open_deals.measured_on >= pushes.pushed_on
    group by 1, 2
),

recently_active as (
    select distinct
        open_deals.week_start,
        open_deals.opportunity_id
    from open_deals
    inner join activities
        on
        open_deals.opportunity_id = activities.opportunity_id
        and open_deals.measured_on >= activities.activity_date
        and {{ dbt.dateadd('day', -1 * rules.no_recent_activity.days, 'open_deals.measured_on') }}
        < activities.activity_date
),

with_contacts as (
    select distinct opportunity_id from contact_roles
),

linking_systems as (
    select distinct source_system from activities
    where opportunity_id is not null
),

contact_role_systems as (
    select distinct source_system from contact_roles
),

facts as (
    select
        open_deals.*,
        opportunities.account_id,
        opportunities.source_system,
        {{ dbt.datediff('current_run.entered_on', 'open_deals.measured_on', 'day') }} as days_in_stage,
        stage_percentiles.stuck_after_days,
        coalesce(push_counts.close_date_pushes, 0) as close_date_pushes,
        recently_active.opportunity_id is not null as has_recent_activity,
        with_contacts.opportunity_id is not null as has_contact_role,
        usual_probability.probability_pct as stage_usual_probability_pct,
        duplicate_accounts.account_id is not null as is_likely_duplicate_account,
        linking_systems.source_system is not null as has_activity_links,
        contact_role_systems.source_system is not null as has_contact_roles
    from open_deals
    inner join opportunities on open_deals.opportunity_id = opportunities.opportunity_id
    left join stage_runs as current_run
        on
        open_deals.opportunity_id = current_run.opportunity_id
        and open_deals.measured_on >= current_run.entered_on
        and (current_run.left_on is null or open_deals.measured_on < current_run.left_on)
    left join stage_percentiles on open_deals.stage_name = stage_percentiles.stage_name
    left join push_counts
        on open_deals.week_start = push_counts.week_start and open_deals.opportunity_id = push_counts.opportunity_id
    left join recently_active
        on
        open_deals.week_start = recently_active.week_start
        and open_deals.opportunity_id = recently_active.opportunity_id
    left join with_contacts on open_deals.opportunity_id = with_contacts.opportunity_id
    left join probability_counts as usual_probability
        on open_deals.stage_name = usual_probability.stage_name and usual_probability.frequency_rank = 1
    left join duplicate_accounts on opportunities.account_id = duplicate_accounts.account_id
    left join linking_systems on opportunities.source_system = linking_systems.source_system
    left join contact_role_systems on opportunities.source_system = contact_role_systems.source_system
)

select * from facts
