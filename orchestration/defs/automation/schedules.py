"""Daily full run; time and timezone come from the environment (defaults 06:00 UTC)."""

from __future__ import annotations

import os

import dagster as dg

from orchestration.defs.automation.jobs import full_run_job

daily_full_run = dg.ScheduleDefinition(
    name="daily_full_run",
    job=full_run_job,
    cron_schedule=os.environ.get("SALESOPS_DAILY_CRON", "0 6 * * *"),
    execution_timezone=os.environ.get("SALESOPS_TIMEZONE", "UTC"),
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

defs = dg.Definitions(jobs=[full_run_job], schedules=[daily_full_run])
