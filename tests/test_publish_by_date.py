"""A large fact published by date: the serving file keeps the dates whose rows are the warehouse's
and replaces the others; whatever the warehouse did (rows changed, added or deleted on any date, a
column added), the published table holds exactly the warehouse's rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.serving.duckdb_publish import publish_duckdb
from orchestration.serving.stores import ServingStore

STORE = ServingStore(
    "test",
    ("pipeline",),
    "bi",
    file_name="test.duckdb",
    published_by_date=(("fct_snapshots", "snapshot_date"),),
)
FACT = "pipeline.fct_snapshots"


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema pipeline")
        connection.execute(
            f"create table {FACT} as select date '2026-01-01' + cast(day as integer) as snapshot_date, "
            "'O' || deal as opportunity_id, cast(1000 * deal + day as decimal(18, 2)) as amount "
            "from range(10) as days(day), range(3) as deals(deal)"
        )
        connection.execute("create table pipeline.fct_opportunities as select 'O1' as opportunity_id")
        connection.execute(f"comment on table {FACT} is 'Daily snapshots.'")
    return path


def publish(warehouse: Path, serving: Path, run_id: str) -> duckdb.DuckDBPyConnection:
    publish_duckdb(warehouse, serving, STORE, run_id, datetime.now(UTC))
    return duckdb.connect(str(serving / STORE.file_name), read_only=True)


def rows(connection: duckdb.DuckDBPyConnection, table: str, columns: str = "*") -> list[tuple]:
    return connection.execute(f"select {columns} from {table} order by all").fetchall()


def run_ids_by_date(connection: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    sql = f"select distinct cast(snapshot_date as varchar), _run_id from {FACT}"
    for day, run_id in connection.execute(sql).fetchall():
        found.setdefault(day, set()).add(run_id)
    return found


def test_only_the_dates_whose_rows_changed_are_published_again(warehouse: Path, tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    publish(warehouse, serving, "run-1").close()
    with duckdb.connect(str(warehouse)) as connection:
        # A late change on Jan 3, Jan 10's rows rewritten as they were (same rows), Jan 5 gone
        # (deleted deals), Jan 11 added, and the other table rebuilt.
        connection.execute(f"update {FACT} set amount = amount + 0.01 where snapshot_date = '2026-01-03'")
        connection.execute(f"delete from {FACT} where snapshot_date = '2026-01-10'")
        connection.execute(
            f"insert into {FACT} select date '2026-01-10', 'O' || deal, "
            "cast(1000 * deal + 9 as decimal(18, 2)) from range(3) as deals(deal)"
        )
        connection.execute(f"delete from {FACT} where snapshot_date = '2026-01-05'")
        connection.execute(f"insert into {FACT} values ('2026-01-11', 'O9', 9.99)")
        connection.execute("insert into pipeline.fct_opportunities values ('O2')")
        expected = rows(connection, FACT)
    with publish(warehouse, serving, "run-2") as published:
        assert rows(published, FACT, "snapshot_date, opportunity_id, amount") == expected
        by_date = run_ids_by_date(published)
        assert by_date.pop("2026-01-03") == {"run-2"} and by_date.pop("2026-01-11") == {"run-2"}
        assert "2026-01-05" not in by_date
        assert by_date == {f"2026-01-{day:02d}": {"run-1"} for day in (1, 2, 4, 6, 7, 8, 9, 10)}
        # Every other table is written anew, and descriptions stay.
        assert rows(published, "pipeline.fct_opportunities", "opportunity_id, _run_id") == [
            ("O1", "run-2"),
            ("O2", "run-2"),
        ]
        assert published.execute(
            "select comment from duckdb_tables() where table_name = 'fct_snapshots'"
        ).fetchone() == ("Daily snapshots.",)


def test_a_fact_whose_columns_changed_or_a_table_gone_is_published_anew(
    warehouse: Path, tmp_path: Path
) -> None:
    serving = tmp_path / "serving"
    publish(warehouse, serving, "run-1").close()
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(f"alter table {FACT} add column stage_name varchar default 'Prospecting'")
        connection.execute("drop table pipeline.fct_opportunities")
        expected = rows(connection, FACT)
    with publish(warehouse, serving, "run-2") as published:
        assert rows(published, FACT, "snapshot_date, opportunity_id, amount, stage_name") == expected
        assert all(ids == {"run-2"} for ids in run_ids_by_date(published).values())
        assert published.execute("select table_name from duckdb_tables()").fetchall() == [("fct_snapshots",)]


def test_a_damaged_publication_is_replaced_by_a_whole_one(warehouse: Path, tmp_path: Path) -> None:
    serving = tmp_path / "serving"
    serving.mkdir()
    (serving / STORE.file_name).write_bytes(b"not a DuckDB file")
    with publish(warehouse, serving, "run-1") as published, duckdb.connect(str(warehouse)) as source:
        assert rows(published, FACT, "snapshot_date, opportunity_id, amount") == rows(source, FACT)
