"""The Great Expectations Data Docs site, built once when a run ends (checks only store results)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from expectations.runner import build_data_docs
from orchestration import settings


def build_quality_docs() -> Path | None:
    return build_data_docs(settings.quality_dir(), settings.quality_keep_runs())


def _build_after_run(context: dg.RunStatusSensorContext) -> None:
    index = build_quality_docs()
    if index:
        context.log.info(f"Data Docs for run {context.dagster_run.run_id}: {index}")


# Runs launched from the UI, schedules and sensors (the CLI builds the site itself).
data_docs_after_success = dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    name="data_docs_after_success",
    default_status=dg.DefaultSensorStatus.RUNNING,
)(_build_after_run)
data_docs_after_failure = dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.FAILURE,
    name="data_docs_after_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
)(_build_after_run)
