"""dbt's source freshness, run: for each raw table with thresholds in its sources yml (the daily
feeds: opportunities or deals, invoices, FX rates), how old its newest change is, as a check
`source_freshness` on that raw asset.

It measures against the clock: the full run checks it after loading, and a job of its own
(`source_freshness`, hourly) runs it too, so it also fires when the daily runs stop. It stops
nothing, publishing included (stale data is not wrong data): past dbt's `warn_after` or its
`error_after`, the check fails with WARN, dbt's verdict first in its description, and the
alert sensor posts it.
"""

import json
import os
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration import settings
from orchestration.defs.resources import ReportingDay, Warehouse
from orchestration.defs.transform.project import dbt_environment, dbt_project, dbt_vars
from orchestration.warehouse_lock import warehouse_turn

CHECK_NAME = "source_freshness"


def sources_with_thresholds(manifest: Mapping[str, Any]) -> dict[str, dg.AssetKey]:
    """dbt source id -> the raw asset it is, for every source table with a warn or error threshold."""
    found: dict[str, dg.AssetKey] = {}
    for unique_id, source in manifest.get("sources", {}).items():
        freshness = source.get("freshness") or {}
        thresholds = [freshness.get(level) or {} for level in ("warn_after", "error_after")]
        asset_key = (source.get("meta") or {}).get("dagster", {}).get("asset_key")
        if asset_key and any(threshold.get("count") for threshold in thresholds):
            found[unique_id] = dg.AssetKey(asset_key)
    return found


def _described(result: Mapping[str, Any]) -> str:
    if result["status"] == "runtime error":
        return f"dbt could not measure it: {result.get('error') or 'runtime error'}"
    verdict = "" if result["status"] == "pass" else f"{result['status']}: "
    age_hours = float(result["max_loaded_at_time_ago_in_s"]) / 3600
    limits = ", ".join(
        f"{level.replace('_after', '')} after {rule['count']} {rule['period']}(s)"
        for level, rule in result["criteria"].items()
        if level in ("warn_after", "error_after") and rule and rule.get("count")
    )
    return f"{verdict}newest change {max(age_hours, 0):.1f} h old ({result['max_loaded_at']}); {limits}"


def freshness_results(
    results: list[Mapping[str, Any]], sources: Mapping[str, dg.AssetKey]
) -> Iterator[dg.AssetCheckResult]:
    """One check result per measured source, from dbt's sources.json results."""
    for result in results:
        asset_key = sources.get(result["unique_id"])
        if asset_key is None:
            continue
        status = result["status"]
        metadata: dict[str, dg.RawMetadataValue] = {"dbt_status": status}
        if status != "runtime error":
            metadata["max_loaded_at"] = str(result["max_loaded_at"])
            age_hours = float(result["max_loaded_at_time_ago_in_s"]) / 3600
            metadata["hours_since_newest_change"] = round(age_hours, 1)
        yield dg.AssetCheckResult(
            asset_key=asset_key,
            check_name=CHECK_NAME,
            passed=status == "pass",
            severity=dg.AssetCheckSeverity.WARN,
            description=_described(result),
            metadata=metadata,
        )


def source_freshness_check(manifest_path: Path) -> dg.AssetChecksDefinition | None:
    """The check over every source with thresholds in the parsed project (those of the configured
    CRMs only); None when there is none."""
    sources = sources_with_thresholds(json.loads(manifest_path.read_text()))
    if not sources:
        return None

    @dg.multi_asset_check(
        name="dbt_source_freshness",
        specs=[
            dg.AssetCheckSpec(
                CHECK_NAME,
                asset=asset_key,
                description="dbt source freshness: how old the newest change is, against its sources yml",
            )
            for asset_key in sources.values()
        ],
        pool=settings.WAREHOUSE_POOL,
        # A job that loads one source (crm_refresh) measures that source's tables only.
        can_subset=True,
    )
    def check(
        context: dg.AssetCheckExecutionContext,
        dbt: DbtCliResource,
        reporting_day: ReportingDay,
        warehouse: Warehouse,
    ) -> Iterator[dg.AssetCheckResult]:
        selected = {key.asset_key for key in context.selected_asset_check_keys}
        measured = {unique_id: key for unique_id, key in sources.items() if key in selected}
        if reporting_day.as_of_date and reporting_day.day() != date.today():
            # A pinned reporting day (a backfill, the demo) is a past view: age against the clock
            # would only say the past is old.
            for asset_key in measured.values():
                yield dg.AssetCheckResult(
                    asset_key=asset_key,
                    check_name=CHECK_NAME,
                    passed=True,
                    description=f"not measured: the reporting day is pinned to {reporting_day.as_of_date}",
                )
            return
        selection = [f"source:{unique_id.split('.', 2)[2]}" for unique_id in measured]
        with warehouse.in_use(), warehouse_turn(context.log.info), dbt_environment(reporting_day.as_of_date):
            invocation = dbt.cli(
                ["source", "freshness", "--select", " ".join(selection), *dbt_vars()],
                manifest=dbt_project().manifest_path,
                raise_on_error=False,
            ).wait()
        output = invocation.target_path / "sources.json"
        if not output.exists():
            raise dg.Failure(description=f"dbt source freshness wrote no results: {invocation.get_error()}")
        yield from freshness_results(json.loads(output.read_text())["results"], measured)

    return check


def source_freshness_defs() -> dg.Definitions:
    """The check, and its own job and hourly schedule (the full run measures it too, after
    loading)."""
    check = source_freshness_check(dbt_project().manifest_path)
    if check is None:
        return dg.Definitions()
    job = dg.define_asset_job(
        name="source_freshness",
        selection=dg.AssetSelection.checks(check),
        executor_def=dg.in_process_executor,
        description="dbt source freshness of the daily feeds, against the clock.",
    )
    schedule = dg.ScheduleDefinition(
        name="hourly_source_freshness",
        job=job,
        cron_schedule=os.environ.get("SALESOPS_FRESHNESS_CRON", "45 * * * *"),
        execution_timezone=os.environ.get("SALESOPS_TIMEZONE", "UTC"),
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    return dg.Definitions(asset_checks=[check], jobs=[job], schedules=[schedule])
