-- A table: many models and tests read it, and each would compute a view of it again.
{{ config(materialized='table') }}
-- Each opportunity's state over time as day intervals [valid_from, valid_to): the state of a
-- day is the state at the end of that day (company timezone). Built from stage history (stage,
-- amount, close date, probability, forecast category), owner changes and deletion, so the
-- pipeline of any past day can be computed. Changes after the as-of date are ignored.
-- An opportunity without history rows carries its current values from its creation day.
with

opportunities as (
    select * from {{ ref('int_crm_opportunities') }}
),

history as (
    select * from {{ ref('int_crm_opportunity_history') }}
),

owner_changes as (
    select * from {{ ref('int_crm_opportunity_owner_changes') }}
),

history_days as (
    select
        history.*,
        {{ local_date('changed_at') }} as change_date
    from history
),

owner_change_days as (
    select
        owner_changes.*,
        {{ local_date('changed_at') }} as change_date
    from owner_changes
),

-- The owner before any reassignment: the first change's previous owner, else today's owner.
first_owners as (
    select
        opportunity_id,
        old_owner_id as first_owner_id,
        row_number() over (partition by opportunity_id order by changed_at) as change_rank
    from owner_changes
),

deletion_days as (
    select
        opportunity_id,
        {{ local_date('modified_at') }} as change_date
    from opportunities
    where is_deleted
),

change_days as (
    select
        opportunity_id,
        {{ local_date('created_at') }} as change_date
    from opportunities
    union
    select
        opportunity_id,
        change_date
    from history_days
    union
    select
        opportunity_id,
        change_date
    from owner_change_days
    union
    select
        opportunity_id,
        change_date
    from deletion_days
),

change_days_until_as_of as (
    select
        change_days.opportunity_id,
        change_days.change_date
    from change_days
    where change_days.change_date <= {{ as_of_date() }}
),

history_at_day_end as (
    select
        change_days.opportunity_id,
        change_days.change_date,
        history_days.stage_name,
        history_days.amount,
        history_days.close_date,
        history_days.probability_pct,
        history_days.forecast_category,
        row_number() over (
            partition by change_days.opportunity_id, change_days.change_date
            order by history_days.changed_at desc
        ) as recency
    from change_days_until_as_of as change_days
    inner join history_days
        on change_days.opportunity_id = history_days.opportunity_id
        and change_days.change_date >= history_days.change_date
),

owner_at_day_end as (
    select
        change_days.opportunity_id,
        change_days.change_date,
        owner_change_days.new_owner_id,
        row_number() over (
            partition by change_days.opportunity_id, change_days.change_date
            order by owner_change_days.changed_at desc
        ) as recency
    from change_days_until_as_of as change_days
    inner join owner_change_days
        on change_days.opportunity_id = owner_change_days.opportunity_id
        and change_days.change_date >= owner_change_days.change_date
),

states as (
    select
        change_days.opportunity_id,
        change_days.change_date as valid_from,
        lead(change_days.change_date) over (
            partition by change_days.opportunity_id order by change_days.change_date
        ) as valid_to,
        coalesce(owner_at_day_end.new_owner_id, first_owners.first_owner_id, opportunities.owner_id) as owner_id,
        {% for column in ['stage_name', 'amount', 'close_date', 'probability_pct', 'forecast_category'] %}
        case
            when history_at_day_end.opportunity_id is null then opportunities.{{ column }}
            else history_at_day_end.{{ column }}
        end as {{ column }},
        {% endfor %}
        opportunities.currency_code,
        opportunities.opportunity_type,
        opportunities.account_id,
        {{ local_date('opportunities.created_at') }} as created_date,
        coalesce(deletion_days.change_date <= change_days.change_date, false) as is_deleted
    from change_days_until_as_of as change_days
    inner join opportunities
        on change_days.opportunity_id = opportunities.opportunity_id
    left join history_at_day_end
        on change_days.opportunity_id = history_at_day_end.opportunity_id
        and change_days.change_date = history_at_day_end.change_date
        and history_at_day_end.recency = 1
    left join owner_at_day_end
        on change_days.opportunity_id = owner_at_day_end.opportunity_id
        and change_days.change_date = owner_at_day_end.change_date
        and owner_at_day_end.recency = 1
    left join first_owners
        on change_days.opportunity_id = first_owners.opportunity_id
        and first_owners.change_rank = 1
    left join deletion_days
        on change_days.opportunity_id = deletion_days.opportunity_id
),

final as (
    select
        opportunity_id,
        valid_from,
        valid_to,
        owner_id,
        stage_name,
        forecast_category,
        probability_pct,
        currency_code,
        amount,
        close_date,
        opportunity_type,
        account_id,
        created_date,
        stage_name in ({{ "'" ~ var('won_stages') | join("', '") ~ "'" }}) as is_won,
        stage_name in ({{ "'" ~ var('lost_stages') | join("', '") ~ "'" }}) as is_lost,
        stage_name not in ({{ "'" ~ (var('won_stages') + var('lost_stages')) | join("', '") ~ "'" }}) as is_open,
        is_deleted
    from states
)

select * from final
