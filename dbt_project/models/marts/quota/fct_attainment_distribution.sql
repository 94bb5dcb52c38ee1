-- How reps are spread over attainment bands per period grain × period: one row per band
-- (floors from var attainment_band_floors, each band up to the next floor), with the share of
-- the period's reps in it and the share of reps at or above 100 % of quota.
{% set floors = var('attainment_band_floors') %}
with

rep_attainment as (
    select * from {{ ref('fct_quota_attainment') }}
    where attainment_level = 'rep'
        and attainment_pct is not null
),

bands as (
    {% for floor in floors %}
    select
        {{ loop.index }} as band_order,
        cast({{ floor }} as decimal(18, 2)) as band_floor_pct,
        {% if not loop.last %}cast({{ floors[loop.index] }} as decimal(18, 2)){% else %}cast(null as decimal(18, 2)){% endif %} as band_ceiling_pct,
        '{{ floor }}{% if not loop.last %}-{{ floors[loop.index] }}{% else %}+{% endif %} %' as band_label
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- Attainment below the lowest floor (negative, after clawbacks) counts in the lowest band.
banded as (
    select
        rep_attainment.period_grain,
        rep_attainment.period_start,
        rep_attainment.member_id as rep_id,
        rep_attainment.attainment_pct,
        bands.band_order
    from rep_attainment
    inner join bands
        on (rep_attainment.attainment_pct >= bands.band_floor_pct or bands.band_order = 1)
        and (bands.band_ceiling_pct is null or rep_attainment.attainment_pct < bands.band_ceiling_pct)
),

per_period as (
    select
        period_grain,
        period_start,
        count(*) as reps_in_period,
        sum(case when attainment_pct >= 100 then 1 else 0 end) as reps_at_or_above_quota
    from rep_attainment
    group by period_grain, period_start
),

per_band as (
    select
        per_period.period_grain,
        per_period.period_start,
        bands.band_order,
        bands.band_label,
        bands.band_floor_pct,
        bands.band_ceiling_pct,
        per_period.reps_in_period,
        per_period.reps_at_or_above_quota,
        count(banded.rep_id) as rep_count
    from per_period
    cross join bands
    left join banded
        on per_period.period_grain = banded.period_grain
        and per_period.period_start = banded.period_start
        and bands.band_order = banded.band_order
    group by
        per_period.period_grain,
        per_period.period_start,
        bands.band_order,
        bands.band_label,
        bands.band_floor_pct,
        bands.band_ceiling_pct,
        per_period.reps_in_period,
        per_period.reps_at_or_above_quota
),

final as (
    select
        period_grain,
        period_start,
        cast(band_order as integer) as band_order,
        band_label,
        band_floor_pct,
        band_ceiling_pct,
        cast(rep_count as integer) as rep_count,
        cast(reps_in_period as integer) as reps_in_period,
        cast({{ divide('rep_count * 100', 'reps_in_period', 2) }} as decimal(9, 2)) as share_of_reps_pct,
        cast(reps_at_or_above_quota as integer) as reps_at_or_above_quota,
        cast({{ divide('reps_at_or_above_quota * 100', 'reps_in_period', 2) }} as decimal(9, 2)) as share_at_or_above_quota_pct
    from per_band
)

select * from final
