"""Daily full run and hourly CRM refresh; times and timezone come from the environment."""

from __future__ import annotations

import os

import dagster as dg

from orchestration.defs.automation.jobs import crm_refresh_job, exports_job, full_run_job
from orchestration.defs.automation.sensors import new_export_files

TIMEZONE = os.environ.get("SALESOPS_TIMEZONE", "UTC")

daily_full_run = dg.ScheduleDefinition(
    name="daily_full_run",
    job=full_run_job,
    cron_schedule=os.environ.get("SALESOPS_DAILY_CRON", "0 6 * * *"),
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
hourly_crm_refresh = dg.ScheduleDefinition(
    name="hourly_crm_refresh",
    job=crm_refresh_job,
    cron_schedule=os.environ.get("SALESOPS_CRM_CRON", "15 * * * *"),
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.STOPPED,
)

defs = dg.Definitions(
    jobs=[full_run_job, crm_refresh_job, exports_job],
    schedules=[daily_full_run, hourly_crm_refresh],
    sensors=[new_export_files],
)
