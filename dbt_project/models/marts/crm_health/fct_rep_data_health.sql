-- CRM data health per rep and per team, week by week: open deals at the week's end, how many broke
-- at least one hygiene rule (and at least one of high severity), the health score = the share of
-- open deals that broke none (in points of 100), the rule broken by the most deals, and the
-- score's change from the week before. A team's deals are those of its reps' deals that week.
with

facts as (
    select * from {{ ref('int_opportunity_hygiene_facts') }}
),

hygiene as (
    select * from {{ ref('fct_opportunity_hygiene') }}
    where rule_status = 'violated'
),

deals as (
    {%- for level, column in [('rep', 'owner_id'), ('team', 'team_id')] %}
    select
        facts.week_start,
        facts.measured_on,
        '{{ level }}' as health_level,
        facts.{{ column }} as member_id,
        facts.opportunity_id
    from facts
    where facts.{{ column }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

deal_violations as (
    select
        week_start,
        opportunity_id,
        max(case when severity = 'high' then 1 else 0 end) as has_high_severity
    from hygiene
    group by 1, 2
),

member_weeks as (
    select
        deals.week_start,
        deals.measured_on,
        deals.health_level,
        deals.member_id,
        count(*) as open_deals,
        count(deal_violations.opportunity_id) as deals_with_violation,
        coalesce(sum(deal_violations.has_high_severity), 0) as deals_with_high_severity
    from deals
    left join deal_violations
        on deals.week_start = deal_violations.week_start and deals.opportunity_id = deal_violations.opportunity_id
    group by 1, 2, 3, 4
),

rule_counts as (
    select
        deals.week_start,
        deals.health_level,
        deals.member_id,
        hygiene.rule_name,
        count(*) as rule_deals,
        row_number() over (
            partition by deals.week_start, deals.health_level, deals.member_id
            order by count(*) desc, hygiene.rule_name
        ) as rule_rank
    from deals
    inner join hygiene
        on deals.week_start = hygiene.week_start and deals.opportunity_id = hygiene.opportunity_id
    group by 1, 2, 3, 4
),

scored as (
    select
        member_weeks.*,
        cast(
            100.0 * (member_weeks.open_deals - member_weeks.deals_with_violation) / member_weeks.open_deals
            as decimal(5, 1)
        ) as health_score
    from member_weeks
),

final as (
    select
        scored.week_start,
        scored.measured_on,
        scored.health_level,
        scored.member_id,
        cast(scored.open_deals as integer) as open_deals,
        cast(scored.deals_with_violation as integer) as deals_with_violation,
        cast(scored.deals_with_high_severity as integer) as deals_with_high_severity,
        scored.health_score,
        rule_counts.rule_name as top_rule,
        cast(coalesce(rule_counts.rule_deals, 0) as integer) as top_rule_deals,
        cast(
            scored.health_score - lag(scored.health_score) over (
                partition by scored.health_level, scored.member_id order by scored.week_start
            ) as decimal(5, 1)
        ) as health_score_change
    from scored
    left join rule_counts
        on
        scored.week_start = rule_counts.week_start
        and scored.health_level = rule_counts.health_level
        and scored.member_id = rule_counts.member_id
        and rule_counts.rule_rank = 1
)

select * from final
