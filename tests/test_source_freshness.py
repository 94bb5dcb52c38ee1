"""dbt source freshness, actually run by the `source_freshness` job: each daily feed's newest change
against the clock and its sources yml thresholds (opportunities and invoices: warn after 26 h,
error after 72 h; FX rates: warn after 4 days), as a check on the raw asset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest


def _run(as_of_date: str) -> dict[str, dg.AssetCheckEvaluation]:
    from orchestration.definitions import defs
    from orchestration.defs.resources import warehouse_run_config

    job = defs.resolve_job_def("source_freshness")
    run_config = {
        "resources": {"reporting_day": {"config": {"as_of_date": as_of_date}}, **warehouse_run_config()}
    }
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(instance=instance, run_config=run_config)
    return {e.asset_key.to_user_string(): e for e in result.get_asset_check_evaluations()}


def test_each_daily_feed_is_measured_against_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    now = datetime.now(UTC)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema raw_salesforce; create schema raw_finance")
        for table, column, hours_old in (
            ("raw_salesforce.opportunity", "system_modstamp", 30),
            ("raw_finance.invoices", "updated_at", 80),
            ("raw_finance.fx_rates", "created_at", 2),
        ):
            connection.execute(
                f"create table {table} as select cast(? as timestamptz) as {column}",
                [now - timedelta(hours=hours_old)],
            )
    monkeypatch.setenv("SALESOPS_WAREHOUSE_PATH", str(warehouse))

    measured = _run(as_of_date="")  # the reporting day is today

    assert set(measured) == {"raw_salesforce/opportunity", "raw_finance/invoices", "raw_finance/fx_rates"}
    opportunities = measured["raw_salesforce/opportunity"]
    assert not opportunities.passed and opportunities.severity == dg.AssetCheckSeverity.WARN
    assert (opportunities.description or "").startswith("warn: newest change 30.0 h old")
    assert "warn after 26 hour(s), error after 72 hour(s)" in (opportunities.description or "")
    invoices = measured["raw_finance/invoices"]
    # Past error_after: said so, and still only a warning (stale data stops nothing).
    assert not invoices.passed and invoices.severity == dg.AssetCheckSeverity.WARN
    assert (invoices.description or "").startswith("error: newest change 80.0 h old")
    assert invoices.metadata["hours_since_newest_change"].value == 80.0
    assert measured["raw_finance/fx_rates"].passed

    # A pinned reporting day is a view of the past: its age against the clock says nothing.
    pinned = _run(as_of_date="2026-06-30")
    assert all(e.passed and "not measured" in (e.description or "") for e in pinned.values())
