-- Open at start plus every inflow, minus every outflow, plus FX revaluation is open at end,
-- to the cent, for every rep and period.
-- An incremental build's test reads the periods it rebuilt (macros/rebuilt_since.sql).
with

movement as (
    select * from {{ ref('fct_pipeline_movement') }}
    {{ where_rebuilt('period_end', 'movement_lookback_days') }}
)

select *
from movement
where open_at_start + created + reopened + pulled_in + transferred_in + increased
    - decreased - pushed_out - transferred_out - won - lost - removed + fx_revaluation
    <> open_at_end
