"""The Spark target's tables as the checks, publishing and the period log read and write them:
DuckDB over the Parquet folders of the lake (dlt) and of Spark's warehouse, no Spark session.
Folders laid out as dlt and Spark write them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from orchestration import warehouse
from orchestration.serving.duckdb_publish import publish_duckdb
from orchestration.serving.stores import ServingStore
from orchestration.warehouse_location import Location, located_at


def write_parquet(path: Path, select: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute(f"copy ({select}) to '{path}' (format parquet)")


def spark_layout(tmp_path: Path) -> Location:
    lake, spark = tmp_path / "lake", tmp_path / "spark-warehouse"
    # dlt: one file per load; a later load brought a new column.
    write_parquet(lake / "raw_crm" / "deal" / "1.a.parquet", "select 'd1' as id, 10 as amount")
    write_parquet(
        lake / "raw_crm" / "deal" / "2.b.parquet", "select 'd1' as id, 12 as amount, 'EUR' as currency"
    )
    write_parquet(lake / "raw_crm" / "_dlt_loads" / "1.parquet", "select 1 as load_id")
    (lake / "raw_crm" / "init").write_text("")
    # Spark: a table partitioned by day, and a table created empty (no files yet).
    for day in ("2026-06-29", "2026-06-30"):
        write_parquet(
            spark / "pipeline.db" / "fct_daily" / f"snapshot_date={day}" / "part-0.parquet",
            "select 'd1' as opportunity_id, 5.25::decimal(18,2) as amount",
        )
    (spark / "comp_control.db" / "period_log").mkdir(parents=True)
    (spark / "raw_crm.db").mkdir()  # Spark's external tables over the lake hold no files
    return Location(
        target="spark",
        duckdb_path=tmp_path / "unused.duckdb",
        lake_dir=str(lake),
        spark_warehouse_dir=str(spark),
    )


def test_the_lake_and_sparks_tables_read_as_tables(tmp_path: Path) -> None:
    with located_at(spark_layout(tmp_path)):
        assert warehouse.existing_tables(("raw_crm", "pipeline", "comp_control")) == [
            ("pipeline", "fct_daily"),
            ("raw_crm", "deal"),
        ]
        assert warehouse.fetch_all("select id, amount, currency from raw_crm.deal order by amount") == [
            ("d1", 10, None),
            ("d1", 12, "EUR"),
        ]
        days = warehouse.fetch_all(
            "select snapshot_date, sum(amount) from pipeline.fct_daily group by 1 order by 1"
        )
        assert [(day, str(total)) for day, total in days] == [
            (date(2026, 6, 29), "5.25"),
            (date(2026, 6, 30), "5.25"),
        ]


def test_rows_appended_to_a_spark_table_land_whole_with_their_types(tmp_path: Path) -> None:
    where = spark_layout(tmp_path)
    columns = ("period_month", "action", "actor", "reason", "acted_at")
    with located_at(where):
        warehouse.insert_rows(
            "comp_control.period_log",
            columns,
            [(date(2026, 5, 1), "close", "ann", None, datetime(2026, 6, 2, 9, 30))],
        )
        warehouse.insert_rows(
            "comp_control.period_log",
            columns,
            [(date(2026, 5, 1), "reopen", "bob", "late deal", datetime(2026, 6, 3))],
        )
        rows = warehouse.fetch_all("select * from comp_control.period_log order by acted_at")
    folder = Path(where.spark_warehouse_dir) / "comp_control.db" / "period_log"
    assert [path.name.startswith(".") for path in folder.iterdir()] == [False, False]
    assert [row[:4] for row in rows] == [
        (date(2026, 5, 1), "close", "ann", None),
        (date(2026, 5, 1), "reopen", "bob", "late deal"),
    ]
    # Instants: Spark's `timestamp` reads them; 09:30 UTC stays 09:30 UTC.
    assert rows[0][4].astimezone(UTC) == datetime(2026, 6, 2, 9, 30, tzinfo=UTC)


def test_publishing_copies_sparks_tables_into_the_serving_file(tmp_path: Path) -> None:
    where = spark_layout(tmp_path)
    store = ServingStore("marts", ("pipeline",), "bi", (), file_name="marts.duckdb")
    counts = publish_duckdb(where, tmp_path / "serving", store, "run-1", datetime.now(UTC))
    assert counts == {"pipeline.fct_daily": 2}
    with duckdb.connect(str(tmp_path / "serving" / "marts.duckdb"), read_only=True) as con:
        assert con.execute(
            "select count(*), sum(amount), min(_run_id) from pipeline.fct_daily"
        ).fetchone() == (
            2,
            con.execute("select 10.50::decimal(38,2)").fetchone()[0],
            "run-1",
        )
