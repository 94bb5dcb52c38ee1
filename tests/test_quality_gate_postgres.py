"""The quality gate on the real PostgreSQL: the Dagster job loads the export files into a fresh
database, the raw tables' Great Expectations suites read them there, a bad batch fails its
blocking check with the expectations and rows named, and publishing refuses, leaving the
serving schema as it was."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg2
import pytest
from psycopg2.extensions import parse_dsn

from orchestration.serving.postgres_publish import publish_postgres
from orchestration.serving.stores import MARTS
from tests.conftest import fresh_pg_database

RAW_OPPORTUNITY = dg.AssetKey(["raw_salesforce", "opportunity"])


@pytest.fixture
def pg_warehouse(
    postgres_dsn: str, demo_exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    from orchestration.defs.transform.project import dbt_project

    project = dbt_project()
    if not project.manifest_path.exists():  # the session's demo run usually prepared it
        project.preparer.prepare(project)
    exports = tmp_path / "exports"
    shutil.copytree(demo_exports, exports)
    with fresh_pg_database(postgres_dsn, "salesops_gate") as name:
        params = {**parse_dsn(postgres_dsn), "dbname": name}
        for key, value in {
            "SALESOPS_TARGET": "postgres",
            "SALESOPS_PG_HOST": params.get("host", "127.0.0.1"),
            "SALESOPS_PG_PORT": params.get("port", "5432"),
            "SALESOPS_PG_USER": params.get("user", "postgres"),
            "SALESOPS_PG_DATABASE": name,
            "SALESOPS_DATA_DIR": str(tmp_path / "data"),
            "SALESOPS_EXPORTS_DIR": str(exports),
            "SALESOPS_AS_OF_DATE": "2026-03-31",
        }.items():
            monkeypatch.setenv(key, value)
        yield {"params": params, "exports": exports}


def _add_bad_versions(exports: Path) -> tuple[str, str]:
    """A CRM export with newer versions of two deals: one with a negative amount (a GX range
    rule), one with a probability above 100 %. Returns their ids."""
    newest = sorted((exports / "crm" / "Opportunity").glob("*.csv"))[-1]
    with newest.open(newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    negative = {**rows[0], "Amount": "-125.00", "SystemModstamp": "2026-03-31T23:00:00.000Z"}
    unlikely = {**rows[-1], "Probability": "150", "SystemModstamp": "2026-03-31T23:00:00.000Z"}
    with newest.open("a", newline="") as handle:
        csv.DictWriter(handle, fieldnames=header).writerows([negative, unlikely])
    return negative["Id"], unlikely["Id"]


def _serving_run_ids(params: dict[str, Any]) -> set[str]:
    with psycopg2.connect(**params) as connection, connection.cursor() as cursor:
        cursor.execute("select distinct _run_id from serving_pipeline.fct_opportunities")
        return {row[0] for row in cursor.fetchall()}


def test_a_bad_batch_fails_its_blocking_check_on_postgres_and_nothing_is_published(
    pg_warehouse: dict[str, Any],
) -> None:
    from orchestration.definitions import defs
    from orchestration.defs.resources import warehouse_run_config

    params = pg_warehouse["params"]
    # What BI reads today: an earlier, audited publication.
    with psycopg2.connect(**params) as connection, connection.cursor() as cursor:
        cursor.execute(
            "create schema pipeline; create schema quota;"
            "create table pipeline.fct_opportunities as select 'O1' as opportunity_id, 100.00 as amount;"
            "create table quota.fct_quota_attainment as select 'R1' as member_id, 50.0 as attainment_pct;"
        )
    publish_postgres(params, MARTS, "run-before", datetime(2026, 3, 30, tzinfo=UTC))
    negative, unlikely = _add_bad_versions(pg_warehouse["exports"])

    job = defs.resolve_job_def("full_run")
    sources = list(dg.AssetSelection.groups("crm", "finance", "plans").resolve(defs.resolve_asset_graph()))
    # The run works on the warehouse the settings name now (PostgreSQL), as the command line's do.
    on_postgres = {"resources": warehouse_run_config()}
    with dg.instance_for_test() as instance:
        loaded = job.execute_in_process(
            instance=instance, asset_selection=sources, raise_on_error=False, run_config=on_postgres
        )
        evaluations = {e.asset_check_key: e for e in loaded.get_asset_check_evaluations()}
        published = job.execute_in_process(
            instance=instance,
            asset_selection=[dg.AssetKey(["serving", "marts"])],
            raise_on_error=False,
            run_config=on_postgres,
        )

    # Every raw table's suite ran on PostgreSQL; the clean ones passed.
    assert {key.asset_key.path[0] for key in evaluations} == {"raw_salesforce", "raw_finance", "raw_plans"}
    assert evaluations[
        dg.AssetCheckKey(dg.AssetKey(["raw_salesforce", "account"]), "account_expectations")
    ].passed
    failed = evaluations[dg.AssetCheckKey(RAW_OPPORTUNITY, "opportunity_expectations")]
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    failures = failed.metadata["failures"].value
    assert (
        f"expect_column_values_to_be_between | amount | blocking | 1 | amount=-125.00, id={negative}"
        in failures
    )
    assert "expect_column_values_to_be_between | probability | blocking | 1 | probability=150" in failures
    assert f"id={unlikely}" in failures
    # Publishing re-reads the latest results, refuses, says why, and BI keeps what it had.
    assert not published.success
    failure = next(event for event in published.all_events if event.is_step_failure)
    message = failure.step_failure_data.error.message
    assert "Nothing was published" in message
    assert "raw_salesforce/opportunity:opportunity_expectations" in message.replace(" ", "")
    assert _serving_run_ids(params) == {"run-before"}
