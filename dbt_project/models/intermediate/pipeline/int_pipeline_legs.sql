-- What each change of a deal did to reps' pipelines: one row per dated change event × pipeline
-- scope × leg, in the deal's currency. The events are the days its state changed
-- (int_opportunity_states_historized: creation, stage, amount, close date, owner, deletion),
-- each comparing the state at the end of the day with the one before.
--
-- A deal is in a rep's pipeline while it is open, not deleted and owned by the rep; in the
-- closing_in_period scope it sits in the pipeline of the period holding its close date, in the
-- all_open scope in the rep's pipeline whatever its close date. A change gives up to three legs,
-- in this order, each at the value of that moment:
--   change: the amount moved (new − old) where the deal was (increased / decreased);
--   exit:   it left that place, at its new amount (won, lost, removed, transferred_out, pushed_out);
--   entry:  it arrived at a new place, at its new amount (created, reopened, transferred_in,
--           pulled_in).
-- A close date that moves inside one period gives an exit and an entry at the same place; the
-- bridge nets them out per period grain (they sum to 0).
with

states as (
    select * from {{ ref('int_opportunity_states_historized') }}
),

changes as (
    select
        opportunity_id,
        currency_code,
        valid_from as changed_on,
        lag(opportunity_id) over by_deal is null as is_first_state,
        lag(owner_id) over by_deal as old_owner_id,
        owner_id as new_owner_id,
        lag(close_date) over by_deal as old_close_date,
        close_date as new_close_date,
        coalesce(lag(amount) over by_deal, 0) as old_amount,
        coalesce(amount, 0) as new_amount,
        coalesce(lag(is_open and not is_deleted) over by_deal, false) as was_in_pipeline,
        is_open and not is_deleted as is_in_pipeline,
        coalesce(lag(is_deleted) over by_deal, false) as was_deleted,
        is_won,
        is_lost,
        is_deleted
    from states
    window by_deal as (partition by opportunity_id order by valid_from)
),

{% set scopes = {'all_open': 'true', 'closing_in_period': 'old_close_date = new_close_date'} %}

scoped as (
    {% for scope, same_close_place in scopes.items() %}
    select
        changes.*,
        '{{ scope }}' as pipeline_scope,
        changes.was_in_pipeline and changes.is_in_pipeline and changes.old_owner_id = changes.new_owner_id
        and {{ same_close_place }} as stays
    from changes
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

legs as (
    select
        opportunity_id,
        currency_code,
        changed_on,
        pipeline_scope,
        1 as leg_order,
        'change' as leg_kind,
        old_owner_id as rep_id,
        old_close_date as close_date,
        case when new_amount > old_amount then 'increased' else 'decreased' end as movement_bucket,
        new_amount - old_amount as amount
    from scoped
    where was_in_pipeline and new_amount <> old_amount
    union all
    select
        opportunity_id,
        currency_code,
        changed_on,
        pipeline_scope,
        2 as leg_order,
        'exit' as leg_kind,
        old_owner_id as rep_id,
        old_close_date as close_date,
        case
            when is_deleted then 'removed'
            when is_won then 'won'
            when is_lost then 'lost'
            when new_owner_id <> old_owner_id then 'transferred_out'
            else 'pushed_out'
        end as movement_bucket,
        -1 * new_amount as amount
    from scoped
    where was_in_pipeline and not stays
    union all
    select
        opportunity_id,
        currency_code,
        changed_on,
        pipeline_scope,
        3 as leg_order,
        'entry' as leg_kind,
        new_owner_id as rep_id,
        new_close_date as close_date,
        case
            when is_first_state then 'created'
            when was_deleted or not was_in_pipeline then 'reopened'
            when new_owner_id <> old_owner_id then 'transferred_in'
            else 'pulled_in'
        end as movement_bucket,
        new_amount as amount
    from scoped
    where is_in_pipeline and not stays
),

final as (
    select
        pipeline_scope,
        rep_id,
        opportunity_id,
        changed_on,
        leg_order,
        leg_kind,
        movement_bucket,
        close_date,
        currency_code,
        cast(amount as decimal(18, 2)) as amount
    from legs
)

select * from final
