"""The same demo company built by the same dbt project on DuckDB and on the real PostgreSQL gives
the same marts, row for row: every column of every row identical, to the cent (but what a build
writes for itself, and the forecast's bands, within a cent a row); and closing a month then
exporting its payroll gives the same file on both."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt
import duckdb
import psycopg2
import pytest

from ingestion.export_files import crm_exports, finance_exports
from ingestion.plans import plan_files
from orchestration.summary import MART_SCHEMAS
from tests.conftest import SESSION_AS_OF, fresh_pg_database
from tests.dbt_runner import dbt_build

# The forecast's bands are p50 -/+ z standard deviations: a square root of a sum of doubles, which
# each engine adds in its own order, so a row could land a cent apart. Within a cent per row.
NEAR_TOTALS = {"forecast.fct_forecast": ("forecast_p10", "forecast_p90")}
# What a build writes for itself: the ledger entry's id (a hash with the build's id), the build
# and the time it recorded the entry.
PER_BUILD = {"compensation.fct_payout_ledger": ("ledger_entry_id", "dbt_invocation_id", "recorded_at")}


def _sql(table: str, columns: tuple[str, ...]) -> str:
    return f"select {', '.join(['count(*)', *(f'sum({column})' for column in columns)])} from {table}"


def _mart_columns(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
    """Every mart table and the columns both engines must agree on, row by row: all but those a
    build writes for itself and the forecast's bands (compared apart)."""
    schemas = ", ".join(f"'{schema}'" for schema in MART_SCHEMAS)
    floating = con.execute(
        f"select table_name, column_name from duckdb_columns() "
        f"where schema_name in ({schemas}) and data_type in ('DOUBLE', 'FLOAT')"
    ).fetchall()
    assert not floating, f"compare these floating-point columns within a tolerance: {floating}"
    columns: dict[str, tuple[str, ...]] = {}
    for table, column in con.execute(f"""
        select schema_name || '.' || table_name, column_name
        from duckdb_columns()
        where schema_name in ({schemas})
        order by schema_name, table_name, column_index
    """).fetchall():
        if column not in {*PER_BUILD.get(table, ()), *NEAR_TOTALS.get(table, ())}:
            columns[table] = (*columns.get(table, ()), column)
    return columns


def _rows(cursor: Any, table: str, columns: tuple[str, ...]) -> Counter[tuple[object, ...]]:
    cursor.execute(f"select {', '.join(columns)} from {table}")
    return Counter(
        tuple(value.normalize() if isinstance(value, Decimal) else value for value in row)
        for row in cursor.fetchall()
    )


@pytest.fixture(scope="module")
def postgres_database(postgres_dsn: str) -> Iterator[str]:
    with fresh_pg_database(postgres_dsn, "salesops_parity") as name:
        yield name


def _load(destination: object, workdir: Path, exports: Path) -> None:
    for name, dataset, source in (
        ("crm", "raw_salesforce", crm_exports(str(exports))),
        ("finance", "raw_finance", finance_exports(str(exports))),
        ("plans", "raw_plans", plan_files(str(exports / "plans"))),
    ):
        dlt.pipeline(
            pipeline_name=name,
            destination=destination,
            dataset_name=dataset,
            pipelines_dir=str(workdir / "dlt"),
        ).run(source)


def test_duckdb_and_postgres_build_identical_marts(
    demo_warehouse: Path, postgres_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DuckDB: the session's warehouse, which the pipeline built from its demo exports (copied: the
    # month closed below writes to it). PostgreSQL: the same exports, loaded and built by dbt.
    duck = tmp_path / "duckdb"
    duck.mkdir()
    shutil.copy(demo_warehouse / "warehouse.duckdb", duck / "warehouse.duckdb")

    pg = tmp_path / "postgres"
    pg.mkdir()
    _load(
        dlt.destinations.postgres(
            f"postgresql://postgres:unused-with-trust-auth@127.0.0.1:5432/{postgres_database}"
        ),
        pg,
        demo_warehouse / "demo",
    )
    dbt_build(
        pg,
        {
            "SALESOPS_TARGET": "postgres",
            "SALESOPS_PG_DATABASE": postgres_database,
            "SALESOPS_AS_OF_DATE": str(SESSION_AS_OF),
        },
        unit_tests=True,  # every worked example on PostgreSQL too (the session's build: DuckDB)
    )

    with duckdb.connect(str(duck / "warehouse.duckdb"), read_only=True) as con:
        marts = _mart_columns(con)
        on_duckdb = {table: _rows(con, table, columns) for table, columns in marts.items()}
        near_duckdb = {t: con.execute(_sql(t, cols)).fetchone() for t, cols in NEAR_TOTALS.items()}
    with (
        psycopg2.connect(host="127.0.0.1", user="postgres", dbname=postgres_database) as con,
        con.cursor() as cur,
    ):
        on_postgres = {table: _rows(cur, table, columns) for table, columns in marts.items()}
        near_postgres = {}
        for table, cols in NEAR_TOTALS.items():
            cur.execute(_sql(table, cols))
            near_postgres[table] = cur.fetchone()

    def normal(row: tuple[object, ...]) -> tuple[object, ...]:
        return tuple(Decimal(str(v)) if v is not None else None for v in row)

    assert len(marts) >= 25 and "measure_amount" in marts["compensation.fct_commission_lines"]
    # Empty marts prove nothing; the one whose empty state is the good one is allowed.
    assert [t for t, rows in on_duckdb.items() if not rows] == [
        "compensation.fct_bookings_invoice_exceptions"
    ]
    # Every row the same on both engines (a total can hide two rows a cent apart either way).
    differing = {
        table: (sorted(on_duckdb[table] - on_postgres[table], key=str)[:2],
                sorted(on_postgres[table] - on_duckdb[table], key=str)[:2])
        for table in marts
        if on_duckdb[table] != on_postgres[table]
    }  # fmt: skip
    assert not differing, differing
    for table, columns in NEAR_TOTALS.items():
        rows, *duckdb_totals = normal(near_duckdb[table])
        pg_rows, *pg_totals = normal(near_postgres[table])
        assert rows == pg_rows > 0, table
        for column, on_duck, on_pg in zip(columns, duckdb_totals, pg_totals, strict=True):
            assert abs(on_duck - on_pg) <= rows * Decimal("0.01"), (table, column, on_duck, on_pg)

    # Close February and export its payroll on each engine: the same file, byte for byte.
    from orchestration import warehouse
    from orchestration.comp_periods import close_month, export_payroll
    from orchestration.serving.duckdb_publish import publish_duckdb
    from orchestration.serving.postgres_publish import publish_postgres
    from orchestration.serving.stores import COMPENSATION

    february = date(2026, 2, 1)
    files = {}
    monkeypatch.setenv("SALESOPS_SERVING_DIR", str(duck / "serving"))
    for engine, env in (
        ("duckdb", {"SALESOPS_TARGET": "duckdb", "SALESOPS_WAREHOUSE_PATH": str(duck / "warehouse.duckdb")}),
        ("postgres", {"SALESOPS_TARGET": "postgres", "SALESOPS_PG_DATABASE": postgres_database}),
    ):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        # What a run whose checks passed does before anyone may close or pay: publish.
        if engine == "duckdb":
            publish_duckdb(
                duck / "warehouse.duckdb", duck / "serving", COMPENSATION, "parity", datetime.now(UTC)
            )
        else:
            publish_postgres(warehouse.pg_params(), COMPENSATION, "parity", datetime.now(UTC))
        close_month(
            february, "parity-test", "February payroll", through=True, accept_exceptions="parity test"
        )
        files[engine] = export_payroll(february, tmp_path / engine / "payroll").read_bytes()
    assert files["duckdb"] == files["postgres"]
    assert files["duckdb"].count(b"\n") > 2  # the header and the reps paid in February
