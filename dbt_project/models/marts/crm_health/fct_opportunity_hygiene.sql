-- CRM hygiene: each open deal's broken rules at the end of each of the last var
-- crm_hygiene_weeks weeks. One row per week × deal × rule that the deal broke, or that does not
-- apply to its CRM (rule_status not_applicable); a deal × rule without a row passed. Rules,
-- thresholds and severities: var crm_hygiene_rules.
{%- set rules = var('crm_hygiene_rules') %}
{%- set text = dbt.type_string() %}
with

facts as (
    select * from {{ ref('int_opportunity_hygiene_facts') }}
),

checked as (
    select
        *,
        'close_date_in_past' as rule_name,
        case when close_date < measured_on then 'violated' end as rule_status,
        'close date ' || cast(close_date as {{ text }}) || ' has passed' as detail
    from facts
    union all
    select
        *,
        'no_recent_activity' as rule_name,
        case
            when not has_activity_links then 'not_applicable'
            when not has_recent_activity then 'violated'
        end as rule_status,
        'no activity in {{ rules.no_recent_activity.days }} days' as detail
    from facts
    union all
    select
        *,
        'stuck_in_stage' as rule_name,
        case when days_in_stage > stuck_after_days then 'violated' end as rule_status,
        cast(days_in_stage as {{ text }}) || ' days in ' || stage_name || ' (usual at most '
        || cast(cast(stuck_after_days as integer) as {{ text }}) || ')' as detail
    from facts
    union all
    select
        *,
        'amount_missing' as rule_name,
        case when coalesce(amount, 0) = 0 then 'violated' end as rule_status,
        'no amount' as detail
    from facts
    union all
    select
        *,
        'close_date_pushed' as rule_name,
        case when close_date_pushes >= {{ rules.close_date_pushed.pushes }} then 'violated' end as rule_status,
        'close date pushed out ' || cast(close_date_pushes as {{ text }}) || ' times' as detail
    from facts
    union all
    select
        *,
        'probability_off_stage' as rule_name,
        case when probability_pct <> stage_usual_probability_pct then 'violated' end as rule_status,
        'probability ' || cast(probability_pct as {{ text }}) || ' % where ' || stage_name || ' has '
        || cast(stage_usual_probability_pct as {{ text }}) || ' %' as detail
    from facts
    union all
    select
        *,
        'no_contact_role' as rule_name,
        case
            when not has_contact_roles then 'not_applicable'
            when not has_contact_role then 'violated'
        end as rule_status,
        'no contact on the deal' as detail
    from facts
    union all
    select
        *,
        'duplicate_account' as rule_name,
        case when is_likely_duplicate_account then 'violated' end as rule_status,
        'its account has the same name as another' as detail
    from facts
),

final as (
    select
        checked.week_start,
        checked.measured_on,
        checked.opportunity_id,
        checked.rule_name,
        checked.rule_status,
        case checked.rule_name
            {%- for rule_name, rule in rules.items() %}
            when '{{ rule_name }}' then '{{ rule.severity }}'
            {%- endfor %}
        end as severity,
        checked.owner_id as rep_id,
        checked.team_id,
        checked.stage_name,
        checked.close_date,
        cast(checked.amount as decimal(18, 2)) as amount,
        case when checked.rule_status = 'violated' then checked.detail end as detail
    from checked
    where checked.rule_status is not null
)

select * from final
