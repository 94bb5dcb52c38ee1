-- Open at start plus every inflow, minus every outflow, plus FX revaluation is open at end,
-- to the cent, for every rep and period.
with

movement as (
    select * from {{ ref('fct_pipeline_movement') }}
)

select *
from movement
where open_at_start + created + reopened + pulled_in + transferred_in + increased
    - decreased - pushed_out - transferred_out - won - lost - removed + fx_revaluation
    <> open_at_end
