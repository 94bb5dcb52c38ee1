"""The documented PostgreSQL-backed Dagster instance starts against the real PostgreSQL, keeps
its runs there, and carries the single-slot warehouse pool."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import psycopg2
import pytest
from psycopg2.extensions import parse_dsn

from orchestration import settings
from tests.conftest import fresh_pg_database


@pytest.fixture
def instance_database(postgres_dsn: str) -> Iterator[str]:
    with fresh_pg_database(postgres_dsn, "dagster") as name:
        yield name


@dg.op(pool=settings.WAREHOUSE_POOL)
def touch_the_warehouse() -> int:
    return 1


@dg.job
def pooled_job() -> None:
    touch_the_warehouse()


def test_the_postgres_instance_stores_runs_and_the_warehouse_pool(
    postgres_dsn: str, instance_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = parse_dsn(postgres_dsn)
    user, password = params.get("user", "postgres"), params.get("password", "")
    host, port = params.get("host", "127.0.0.1"), params.get("port", "5432")
    credentials = f"{user}:{password}" if password else user
    monkeypatch.setenv(
        "DAGSTER_PG_URL", f"postgresql+psycopg2://{credentials}@{host}:{port}/{instance_database}"
    )
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(settings.PROJECT_ROOT / "dagster.postgres.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))

    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
        result = pooled_job.execute_in_process(instance=instance)
        assert result.success
    with (
        psycopg2.connect(**{**params, "dbname": instance_database}) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute("select run_id, status from runs")
        assert cursor.fetchall() == [(result.run_id, "SUCCESS")]
        cursor.execute("select concurrency_key from concurrency_limits")
        assert (settings.WAREHOUSE_POOL,) in cursor.fetchall()
