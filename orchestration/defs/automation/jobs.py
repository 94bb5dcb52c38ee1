"""The main job: load every source, build every model, run every check."""

from __future__ import annotations

import dagster as dg

# In-process: every step opens the one DuckDB file in turn anyway (pool of 1), so separate
# processes would only add ~3 s of start-up per step.
full_run_job = dg.define_asset_job(
    name="full_run",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Load all sources with dlt, build all dbt models and tests, run quality checks.",
)
