"""The Spark target with its lake and tables in an object store (SALESOPS_LAKE_DIR=s3://…), against
moto's S3 server on localhost: dlt loads the raw tables there, the checks' reads see the same rows
a local lake gives, the period log appends there, and publishing copies from there. (Spark itself
reads `s3a://` only with the hadoop-aws jars, which come from Maven: not run here.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import boto3
import dlt
import duckdb
import fsspec
import pytest
from moto.server import ThreadedMotoServer

from ingestion.export_files import crm_exports
from orchestration import settings, warehouse
from orchestration.defs.ingestion.assets import load_options
from orchestration.serving.duckdb_publish import publish_duckdb
from orchestration.serving.stores import ServingStore
from orchestration.warehouse_location import Location, located_at
from tests.tiny_company import write_tiny_company

BUCKET = "company-lake"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The cloud's usual environment (dlt, boto and fsspec all read it), and an empty bucket."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": s3_endpoint,
    }.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    yield f"s3://{BUCKET}"
    bucket = boto3.resource("s3").Bucket(BUCKET)
    bucket.objects.all().delete()
    bucket.delete()


def load_tiny_crm(where: Location, workdir: Path) -> None:
    """The tiny company's CRM files loaded as the ingestion assets load them (Parquet), twice: the
    second load of the same files adds nothing (the source remembers what it loaded)."""
    exports = workdir / "exports"
    if not exports.exists():
        write_tiny_company(exports)
    with located_at(where):
        for _ in range(2):
            pipeline = dlt.pipeline(
                pipeline_name="crm",
                destination=warehouse.dlt_destination(),
                dataset_name="raw_salesforce",
                pipelines_dir=str(workdir / "dlt" / where.lake_dir.replace("/", "_")),
            )
            pipeline.run(crm_exports(str(exports)), **load_options())


def raw_rows(where: Location) -> dict[str, list[tuple]]:
    """Each raw table's rows without dlt's load columns (a load id differs between the lakes)."""
    rows = {}
    with located_at(where), warehouse.read_connection() as connection:
        for schema, table in warehouse.existing_tables(("raw_salesforce",)):
            described = connection.execute(f'describe {schema}."{table}"').fetchall()
            columns = ", ".join(f'"{c[0]}"' for c in described if not c[0].startswith("_dlt"))
            rows[table] = connection.execute(
                f'select {columns} from {schema}."{table}" order by all'
            ).fetchall()
    return rows


def test_settings_take_an_object_store_url_as_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SALESOPS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SALESOPS_TARGET", "spark")
    monkeypatch.setenv("SALESOPS_LAKE_DIR", "s3://company-lake/raw/")
    monkeypatch.setenv("SALESOPS_SPARK_WAREHOUSE_DIR", "s3://company-lake/spark")
    where = Location.from_settings()
    assert (where.lake_dir, where.spark_warehouse_dir) == ("s3://company-lake/raw", "s3://company-lake/spark")
    # The warehouse's turn is a lock file: beside the data, not in the bucket.
    assert where.lock_path == tmp_path / "spark-catalog"
    monkeypatch.setenv("SALESOPS_LAKE_DIR", "lake-here")
    assert settings.lake_dir() == str(Path("lake-here").resolve())


def test_raw_tables_in_s3_read_as_a_local_lake_does_and_the_log_appends_there(
    s3: str, tmp_path: Path
) -> None:
    on_disk = Location("spark", tmp_path / "unused.duckdb", str(tmp_path / "lake"), str(tmp_path / "sw"))
    in_s3 = Location("spark", tmp_path / "unused.duckdb", f"{s3}/lake", f"{s3}/spark-warehouse")
    load_tiny_crm(on_disk, tmp_path)
    load_tiny_crm(in_s3, tmp_path)
    local_rows, s3_rows = raw_rows(on_disk), raw_rows(in_s3)
    assert "opportunity" in s3_rows and "opportunity_history" in s3_rows
    # The tiny company's 12 deals, once.
    assert len(s3_rows["opportunity"]) == 12
    assert s3_rows == local_rows
    # The period log `close-month` writes: one more object per action, read back with its types.
    columns = ("period_month", "action", "actor", "reason", "acted_at")
    with located_at(in_s3):
        warehouse.insert_rows(
            "comp_control.period_log",
            columns,
            [(date(2026, 5, 1), "close", "ann", None, datetime(2026, 6, 2))],
        )
        assert warehouse.fetch_all("select period_month, action, actor from comp_control.period_log") == [
            (date(2026, 5, 1), "close", "ann")
        ]
    keys = [
        item.key for item in boto3.resource("s3").Bucket(BUCKET).objects.filter(Prefix="spark-warehouse/")
    ]
    assert len(keys) == 1 and keys[0].startswith("spark-warehouse/comp_control.db/period_log/part-")


def test_publishing_copies_tables_from_s3_into_the_serving_file(s3: str, tmp_path: Path) -> None:
    in_s3 = Location("spark", tmp_path / "unused.duckdb", f"{s3}/lake", f"{s3}/spark-warehouse")
    # A Spark table partitioned by day, as Spark writes it into its warehouse folder.
    with duckdb.connect() as con:
        con.register_filesystem(fsspec.filesystem("s3"))
        for day, amount in (("2026-06-29", "5.25"), ("2026-06-30", "7.10")):
            folder = f"{s3}/spark-warehouse/pipeline.db/fct_daily/snapshot_date={day}"
            con.execute(
                f"copy (select 'd1' as opportunity_id, {amount}::decimal(18,2) as amount) "
                f"to '{folder}/part-0.parquet' (format parquet)"
            )
    store = ServingStore("marts", ("pipeline",), "bi", (), file_name="marts.duckdb")
    assert publish_duckdb(in_s3, tmp_path / "serving", store, "run-1", datetime.now(UTC)) == {
        "pipeline.fct_daily": 2
    }
    with duckdb.connect(str(tmp_path / "serving" / "marts.duckdb"), read_only=True) as con:
        total, days = con.execute(
            "select sum(amount), count(distinct snapshot_date) from pipeline.fct_daily"
        ).fetchone()
    assert (str(total), days) == ("12.35", 2)
