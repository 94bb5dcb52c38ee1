"""The ERP finance connector (dlt sql_database) against the real PostgreSQL on 127.0.0.1."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import psycopg2
import pyarrow as pa

from ingestion.finance.columns import FINANCE_COLUMNS
from ingestion.finance.erp_database import finance_database
from ingestion.finance.tables import FINANCE_TABLES
from tests.raw_tables import duckdb_pipeline, row_counts, table_rows


def _sql_type(declared: pa.DataType | None) -> str:
    if declared is None:
        return "text"
    if pa.types.is_decimal(declared):
        return f"numeric({declared.precision}, {declared.scale})"
    if pa.types.is_timestamp(declared):
        return "timestamptz"
    if pa.types.is_date(declared):
        return "date"
    if pa.types.is_integer(declared):
        return "bigint"
    return "boolean" if pa.types.is_boolean(declared) else "text"


def _load_erp(dsn: str, schema: str, finance_dir: Path) -> None:
    """Create the ERP tables in `schema` and fill them with the newest version of each demo row."""
    with psycopg2.connect(dsn) as con, con.cursor() as cur:
        for spec in FINANCE_TABLES:
            columns = FINANCE_COLUMNS[spec.origin]
            ddl = ", ".join(f"{c} {_sql_type(spec.types.get(c))}" for c in columns)
            cur.execute(f"create table {schema}.{spec.origin} ({ddl})")
            newest: dict[tuple, dict[str, str]] = {}
            for path in sorted((finance_dir / spec.origin).glob("*.csv")):
                with path.open(newline="") as handle:
                    for row in csv.DictReader(handle):
                        key = tuple(row[k] for k in spec.primary_key)
                        if key not in newest or row[spec.cursor] >= newest[key][spec.cursor]:
                            newest[key] = row
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=columns)
            writer.writeheader()
            writer.writerows(newest.values())
            buffer.seek(0)
            copy = f"copy {schema}.{spec.origin} ({', '.join(columns)}) from stdin with csv header null ''"
            cur.copy_expert(copy, buffer)


def test_erp_database_ingests_incrementally_and_quarantines_bad_rows(
    postgres_dsn: str, pg_schema: str, demo_exports: Path, tmp_path: Path
) -> None:
    _load_erp(postgres_dsn, pg_schema, demo_exports / "finance")
    url = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
    warehouse = tmp_path / "warehouse.duckdb"
    pipeline = duckdb_pipeline(tmp_path, "erp_test", "raw_finance")

    def ingest() -> dict[str, int]:
        pipeline.run(finance_database(credentials=url, schema=pg_schema))
        return pipeline.last_trace.last_normalize_info.row_counts

    ingest()
    with psycopg2.connect(postgres_dsn) as con, con.cursor() as cur:
        expected = {}
        for spec in FINANCE_TABLES:
            cur.execute(f"select count(*) from {pg_schema}.{spec.origin}")
            expected[spec.name] = cur.fetchone()[0]
    counts = row_counts(warehouse, "raw_finance")
    assert {name: counts[name] for name in expected} == expected
    assert expected["invoices"] > 50

    before = table_rows(warehouse, "raw_finance", "invoices", key="invoice_id")
    second = ingest()
    assert second.get("invoices", 0) == 0, "an unchanged ERP should load no invoice rows"
    assert table_rows(warehouse, "raw_finance", "invoices", key="invoice_id") == before

    changed = sorted(before)[:10]
    with psycopg2.connect(postgres_dsn) as con, con.cursor() as cur:
        cur.execute(
            f"update {pg_schema}.invoices set total_amount = total_amount + 1, updated_at = now() "
            "where invoice_id = any(%s)",
            [changed],
        )
        # A payment the ERP let through without an amount: it must be kept, not loaded, not lost.
        cur.execute(
            f"insert into {pg_schema}.payments (payment_id, invoice_id, payment_date, amount, currency, "
            "created_at, updated_at) values ('PAY-BAD-1', %s, '2026-03-30', null, 'USD', now(), now())",
            [changed[0]],
        )
    third = ingest()
    assert third["invoices"] == 10
    after = table_rows(warehouse, "raw_finance", "invoices", key="invoice_id")
    assert {k for k in after if after[k] != before[k]} == set(changed)
    for invoice_id in changed:
        assert after[invoice_id]["total_amount"] == before[invoice_id]["total_amount"] + Decimal("1.00")
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        rejected = con.execute(
            "select payment_id, _rejected_reason, _source_file from raw_finance.payments__rejected"
        ).fetchall()
        loaded_bad = con.execute(
            "select count(*) from raw_finance.payments where payment_id = 'PAY-BAD-1'"
        ).fetchone()[0]
    assert rejected == [("PAY-BAD-1", "amount is required but empty", f"{pg_schema}.payments")]
    assert loaded_bad == 0
