"""A raw table's suite reads again only the keys with a new version once its last validation
passed; a failure, or a late row older than what it read, brings back a full validation. The
real check step (`layer_checks`) on DuckDB and on PostgreSQL, with a Dagster instance, run after
each load."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import psycopg2
import pytest
from psycopg2.extensions import parse_dsn

from expectations.suites.raw import RAW_SUITES
from orchestration.defs.quality.changed_rows import ROWS_READ
from orchestration.defs.quality.checks import layer_checks
from orchestration.defs.quality.results import ROWS_VALIDATED
from orchestration.defs.resources import ReportingDay, Warehouse
from tests.conftest import fresh_pg_database

SUITE = next(spec for spec in RAW_SUITES if spec.name == "raw_salesforce.opportunity")
KEY = dg.AssetKey(["raw_salesforce", "opportunity"])
RunChecks = Callable[[], dict[str, dg.AssetCheckEvaluation]]
COLUMNS = (
    "id, account_id, owner_id, stage_name, close_date, currency_iso_code, amount, probability, type, "
    "system_modstamp"
)


def row(key: str, modstamp: str, amount: float = 100.0, probability: int = 10) -> str:
    return (
        f"('{key}', '001A', '005A', 'Prospecting', date '2026-07-31', 'USD', {amount}, {probability}, "
        f"'New Business', timestamptz '{modstamp} 12:00:00+00')"
    )


TABLE = (
    "create table raw_salesforce.opportunity (id varchar, account_id varchar, owner_id varchar, "
    "stage_name varchar, close_date date, currency_iso_code varchar, amount double precision, "
    "probability integer, type varchar, system_modstamp timestamptz)"
)


@dataclass
class RawTable:
    """The raw opportunity table on one engine, and the `warehouse` resource that points at it."""

    resource: Warehouse
    execute: Callable[[str], None]

    def load(self, *rows: str) -> None:
        self.execute(f"insert into raw_salesforce.opportunity ({COLUMNS}) values {', '.join(rows)}")


@pytest.fixture(params=["duckdb", "postgres"])
def raw_table(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RawTable]:
    if request.param == "duckdb":
        path = tmp_path / "warehouse.duckdb"

        def on_duckdb(sql: str) -> None:
            with duckdb.connect(str(path)) as con:
                con.execute(sql)

        table = RawTable(Warehouse(target="duckdb", duckdb_path=str(path)), on_duckdb)
        table.execute(f"create schema raw_salesforce; {TABLE}")
        yield table
        return
    dsn = request.getfixturevalue("postgres_dsn")
    with fresh_pg_database(dsn, "salesops_changed") as name:
        params = {**parse_dsn(dsn), "dbname": name}

        def on_postgres(sql: str) -> None:
            with psycopg2.connect(**params) as con, con.cursor() as cursor:
                cursor.execute(sql)
            con.close()

        resource = Warehouse(
            target="postgres",
            pg_host=params.get("host", "127.0.0.1"),
            pg_port=int(params.get("port", 5432)),
            pg_user=params.get("user", "postgres"),
            pg_database=name,
        )
        table = RawTable(resource, on_postgres)
        table.execute(f"create schema raw_salesforce; {TABLE}")
        yield table


@pytest.fixture
def run_checks(raw_table: RawTable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunChecks]:
    """Runs the raw suites' step for the opportunity table; returns its two results."""
    monkeypatch.setenv("SALESOPS_QUALITY_DIR", str(tmp_path / "quality"))
    defs = dg.Definitions(
        assets=[dg.AssetSpec(KEY)],
        asset_checks=[layer_checks("raw_tables", [SUITE])],
        jobs=[dg.define_asset_job("checks", selection=dg.AssetSelection.checks_for_assets(KEY))],
        resources={"reporting_day": ReportingDay(as_of_date="2026-07-10"), "warehouse": raw_table.resource},
    )
    with dg.instance_for_test() as instance:

        def run() -> dict[str, dg.AssetCheckEvaluation]:
            result = defs.resolve_job_def("checks").execute_in_process(
                instance=instance, raise_on_error=False
            )
            return {e.check_name: e for e in result.get_asset_check_evaluations()}

        yield run


def read_and_covered(results: dict[str, dg.AssetCheckEvaluation]) -> tuple[int, int]:
    metadata = results["opportunity_expectations"].metadata
    return metadata[ROWS_READ].value, metadata[ROWS_VALIDATED].value  # type: ignore[return-value]


def test_only_changed_keys_are_read_again_until_a_failure_or_a_late_row(
    raw_table: RawTable, run_checks: RunChecks
) -> None:
    raw_table.load(row("006A", "2026-06-28"), row("006B", "2026-06-29"), row("006C", "2026-06-30"))
    first = run_checks()
    assert first["opportunity_expectations"].passed and first["opportunity_warnings"].passed
    assert read_and_covered(first) == (3, 3)

    # B raised, D new: only they are read; the row count covers all four records.
    raw_table.load(row("006B", "2026-07-01", amount=250.0), row("006D", "2026-07-01"))
    second = run_checks()
    assert second["opportunity_expectations"].passed and second["opportunity_warnings"].passed
    assert read_and_covered(second) == (2, 4)

    # A's new version breaks a blocking rule: read alone, and caught.
    raw_table.load(row("006A", "2026-07-02", amount=-5.0))
    third = run_checks()
    assert not third["opportunity_expectations"].passed
    assert "006A" in third["opportunity_expectations"].metadata["failures"].value
    assert read_and_covered(third) == (1, 4)

    # After a failure every row is read again (here A is fixed, so all pass).
    raw_table.load(row("006A", "2026-07-03"))
    fourth = run_checks()
    assert fourth["opportunity_expectations"].passed
    assert read_and_covered(fourth) == (4, 4)

    # A late record stamped before the newest version validated (a re-sent file): the rows up to
    # that version changed, so every row is read, and its bad probability is caught.
    raw_table.load(row("006E", "2026-06-01", probability=140))
    fifth = run_checks()
    assert not fifth["opportunity_expectations"].passed
    assert "006E" in fifth["opportunity_expectations"].metadata["failures"].value
    assert read_and_covered(fifth) == (5, 5)
