-- Each won opportunity's amount (reporting currency) attributed to its campaign touches under
-- five models: first_touch, last_touch, linear, position_based (var attribution_first_touch_pct /
-- attribution_last_touch_pct, the middle touches sharing the rest; with two touches the first and
-- last split in that ratio) and time_decay (weight 0.5 ^ (days before close ÷ var
-- attribution_half_life_days)). Every touch but the last is rounded to the cent; the last takes
-- the remainder, so each opportunity's attribution sums to its amount exactly under every model.
-- A lost or open opportunity attributes nothing.
with

touches as (
    select * from {{ ref('int_campaign_touches') }}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

campaigns as (
    select * from {{ ref('int_crm_campaigns') }}
),

won_touches as (
    select
        touches.*,
        opportunities.amount_reporting,
        opportunities.close_date,
        opportunities.owner_id,
        opportunities.team_id,
        opportunities.region,
        power(
            0.5,
            {{ dbt.datediff('touches.touched_on', 'opportunities.close_date', 'day') }}
            / cast({{ var('attribution_half_life_days') }} as {{ type_double() }})
        ) as decay
    from touches
    inner join opportunities on touches.opportunity_id = opportunities.opportunity_id
    where opportunities.is_won
),

-- Each model's share of the opportunity for each touch (the shares of an opportunity sum to 1).
{%- set first_pct = 'cast(' ~ var('attribution_first_touch_pct') ~ ' as ' ~ type_double() ~ ')' %}
{%- set last_pct = 'cast(' ~ var('attribution_last_touch_pct') ~ ' as ' ~ type_double() ~ ')' %}
weighted as (
    select
        *,
        'first_touch' as attribution_model,
        cast(case when touch_number = 1 then 1 else 0 end as {{ type_double() }}) as weight
    from won_touches
    union all
    select
        *,
        'last_touch' as attribution_model,
        cast(case when touch_number = touch_count then 1 else 0 end as {{ type_double() }}) as weight
    from won_touches
    union all
    select
        *,
        'linear' as attribution_model,
        1 / cast(touch_count as {{ type_double() }}) as weight
    from won_touches
    union all
    select
        *,
        'position_based' as attribution_model,
        case
            when touch_count = 1 then cast(1 as {{ type_double() }})
            when touch_count = 2 and touch_number = 1 then {{ first_pct }} / ({{ first_pct }} + {{ last_pct }})
            when touch_count = 2 then {{ last_pct }} / ({{ first_pct }} + {{ last_pct }})
            when touch_number = 1 then {{ first_pct }} / 100.0
            when touch_number = touch_count then {{ last_pct }} / 100.0
            else (100 - {{ first_pct }} - {{ last_pct }}) / 100 / (touch_count - 2)
        end as weight
    from won_touches
    union all
    select
        *,
        'time_decay' as attribution_model,
        decay / sum(decay) over (partition by opportunity_id) as weight
    from won_touches
),

rounded as (
    select
        *,
        -- Rounded as a decimal: both engines then round half away from zero.
        cast(round(cast(amount_reporting * weight as decimal(38, 10)), 2) as decimal(18, 2)) as rounded_amount
    from weighted
),

-- What the touches before the last were given; the last touch gets the rest.
rounded_before_last as (
    select
        *,
        coalesce(
            sum(case when touch_number < touch_count then rounded_amount end)
                over (partition by opportunity_id, attribution_model),
            0
        ) as given_before_last
    from rounded
),

attributed as (
    select
        *,
        case
            when touch_number = touch_count then amount_reporting - given_before_last
            else rounded_amount
        end as attributed_amount_reporting
    from rounded_before_last
),

final as (
    select
        attributed.opportunity_id,
        attributed.campaign_member_id,
        attributed.attribution_model,
        attributed.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        attributed.contact_id,
        attributed.touched_on,
        cast(attributed.touch_number as integer) as touch_number,
        cast(attributed.touch_count as integer) as touch_count,
        cast(attributed.weight as decimal(9, 6)) as attribution_weight,
        cast(attributed.attributed_amount_reporting as decimal(18, 2)) as attributed_amount_reporting,
        cast(attributed.amount_reporting as decimal(18, 2)) as opportunity_amount_reporting,
        attributed.close_date,
        attributed.owner_id,
        attributed.team_id,
        attributed.region
    from attributed
    left join campaigns on attributed.campaign_id = campaigns.campaign_id
)

select * from final
