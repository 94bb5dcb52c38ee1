"""The whole pipeline on the small demo warehouse: raw tables loaded, marts built and consistent."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.summary import MART_SCHEMAS, RAW_SCHEMAS, table_row_counts


@pytest.fixture(scope="module")
def warehouse(demo_warehouse: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(demo_warehouse / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()


def test_every_raw_table_and_mart_is_non_empty(demo_warehouse: Path) -> None:
    raw = table_row_counts(demo_warehouse / "warehouse.duckdb", RAW_SCHEMAS)
    marts = table_row_counts(demo_warehouse / "warehouse.duckdb", MART_SCHEMAS)
    assert len(raw) >= 24
    assert {
        "pipeline.fct_opportunities",
        "quota.fct_quota_attainment",
        "compensation.fct_crediting_events",
    } <= set(marts)
    empty = [name for name, rows in {**raw, **marts}.items() if rows == 0 and not name.endswith("__rejected")]
    assert empty == []


def test_raw_merge_keeps_one_row_per_id_despite_duplicates_and_versions(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    total, distinct = warehouse.execute(
        "select count(*), count(distinct id) from raw_salesforce.opportunity"
    ).fetchone()
    assert total == distinct


def test_deleted_opportunities_stay_flagged_in_raw_and_leave_the_mart(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    deleted = warehouse.execute(
        "select count(*) from raw_salesforce.opportunity where is_deleted"
    ).fetchone()[0]
    in_mart = warehouse.execute("""
        select count(*) from pipeline.fct_opportunities
        where opportunity_id in (select id from raw_salesforce.opportunity where is_deleted)
    """).fetchone()[0]
    assert deleted > 0 and in_mart == 0


def test_quota_bookings_equal_credited_bookings_in_the_period(warehouse: duckdb.DuckDBPyConnection) -> None:
    mismatches = warehouse.execute("""
        select quota.quota_id
        from quota.fct_quota_attainment as quota
        left join (
            select q.quota_id, sum(c.credited_amount_reporting) as booked
            from quota.fct_quota_attainment as q
            join intermediate.int_bookings_credited as c
              on c.user_id = q.user_id and c.credit_date between q.period_start and q.period_end
            group by q.quota_id
        ) as recomputed on recomputed.quota_id = quota.quota_id
        where quota.bookings_credited <> coalesce(recomputed.booked, 0)
    """).fetchall()
    assert mismatches == []


def test_attainment_is_bookings_over_quota(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute("""
        select quota_amount, bookings_credited, attainment_pct
        from quota.fct_quota_attainment where quota_amount > 0
    """).fetchall()
    assert rows
    for quota, bookings, attainment in rows:
        expected = (bookings * 100 / quota).quantize(Decimal("0.01"))
        assert abs(attainment - expected) <= Decimal("0.01")


def test_contact_pii_is_hashed_in_staging(warehouse: duckdb.DuckDBPyConnection) -> None:
    columns = {
        row[0]
        for row in warehouse.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'staging' and table_name = 'stg_salesforce__contacts'"
        ).fetchall()
    }
    assert "email" not in columns and "phone" not in columns
    sample = warehouse.execute("select email_hash from staging.stg_salesforce__contacts limit 5").fetchall()
    assert all("@" not in value for (value,) in sample)


def test_marts_carry_documented_columns(warehouse: duckdb.DuckDBPyConnection) -> None:
    undocumented = warehouse.execute("""
        select schema_name || '.' || table_name || '.' || column_name
        from duckdb_columns()
        where schema_name in ('pipeline', 'quota', 'compensation')
          and (comment is null or comment = '')
    """).fetchall()
    documented = warehouse.execute("""
        select count(*) from duckdb_columns()
        where schema_name in ('pipeline', 'quota', 'compensation') and comment <> ''
    """).fetchone()[0]
    assert undocumented == [] and documented > 50


def test_rejected_rows_are_kept_with_reasons_and_counted_in_the_run_metadata(
    demo_warehouse: Path, warehouse: duckdb.DuckDBPyConnection
) -> None:
    import dagster as dg

    rejected = warehouse.execute(
        "select count(*), min(_rejected_reason), min(_source_file) from raw_salesforce.task__rejected"
    ).fetchone()
    assert rejected[0] > 0, "the demo types a few task dates day-first; they must be rejected"
    assert rejected[1].startswith("ActivityDate='") and "is not a valid date32" in rejected[1]
    assert rejected[2].startswith("Task/")
    with dg.DagsterInstance.from_config(str(demo_warehouse / "dagster_home")) as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["raw_salesforce", "task"]))
        clean = instance.get_latest_materialization_event(dg.AssetKey(["raw_salesforce", "opportunity"]))
    assert event is not None and clean is not None
    assert event.asset_materialization.metadata["rejected_rows"].value == rejected[0]
    assert clean.asset_materialization.metadata["rejected_rows"].value == 0
