"""Jobs: the full run, the hourly CRM refresh and the ingestion of new export files."""

from __future__ import annotations

import dagster as dg

# Closing a compensation month is a deliberate, partitioned act (job close_comp_month), never a
# side effect of a refresh.
CLOSED_MONTHS = dg.AssetSelection.assets(dg.AssetKey(["compensation", "closed_months"]))

# In-process: every step opens the one DuckDB file in turn anyway (pool of 1), so separate
# processes would only add ~3 s of start-up per step.
full_run_job = dg.define_asset_job(
    name="full_run",
    selection=dg.AssetSelection.all() - CLOSED_MONTHS,
    executor_def=dg.in_process_executor,
    description="Load all sources with dlt, build all dbt models and tests, run quality checks, publish.",
)
crm_refresh_job = dg.define_asset_job(
    name="crm_refresh",
    selection=dg.AssetSelection.groups("crm").downstream() - CLOSED_MONTHS,
    executor_def=dg.in_process_executor,
    description="Incremental CRM load and everything built from it, through publishing.",
)
exports_job = dg.define_asset_job(
    name="ingest_exports",
    selection=dg.AssetSelection.groups("crm", "finance", "plans").downstream() - CLOSED_MONTHS,
    executor_def=dg.in_process_executor,
    description="Load new export files and rebuild what depends on them.",
)
