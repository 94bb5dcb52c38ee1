"""A sensor on the export-files folder: new or changed files start an ingestion run."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration import settings
from orchestration.defs.automation.jobs import exports_job

WATCHED = ("crm", "finance", "plans")


def newest_export_change(exports_dir: Path) -> tuple[float, int]:
    """(newest modification time, file count) over the watched export folders."""
    files = [path for folder in WATCHED for path in (exports_dir / folder).rglob("*") if path.is_file()]
    return max((path.stat().st_mtime for path in files), default=0.0), len(files)


@dg.sensor(job=exports_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED)
def new_export_files(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    newest, count = newest_export_change(settings.exports_dir())
    state = f"{newest:.6f}:{count}"
    if count == 0:
        return dg.SkipReason(f"no export files under {settings.exports_dir()}")
    if state == context.cursor:
        return dg.SkipReason("no new or changed export files")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=state)], cursor=state)
