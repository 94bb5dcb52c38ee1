"""Dagster entry point: merges the definitions of each area; computes nothing itself."""

import dagster as dg

from orchestration.defs.automation import schedules
from orchestration.defs.ingestion import assets as ingestion_assets
from orchestration.defs.quality import checks as quality_checks
from orchestration.defs.transform import assets as transform_assets

defs = dg.Definitions.merge(
    ingestion_assets.defs,
    transform_assets.defs,
    quality_checks.defs,
    schedules.defs,
)
