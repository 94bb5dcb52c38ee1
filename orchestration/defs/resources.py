"""What a run may set for itself in its run config (the Launchpad, a schedule, `orchestration.cli`),
as Dagster resources: every asset and check that needs them reads them from here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg

from orchestration import settings
from orchestration.warehouse_location import Location, located_at


class ReportingDay(dg.ConfigurableResource):
    """The day the marts call "today" and freshness rules measure from: `as_of_date` (ISO date) in
    the run config, by default SALESOPS_AS_OF_DATE; empty means the day the run starts."""

    as_of_date: str = ""

    def day(self) -> date:
        return date.fromisoformat(self.as_of_date) if self.as_of_date else date.today()


def default_reporting_day() -> ReportingDay:
    return ReportingDay(as_of_date=settings.as_of_date_setting())


class Warehouse(dg.ConfigurableResource):
    """The warehouse every asset and check of a run works on: the engine (`duckdb`, `postgres` or
    `spark`, also dbt's target), the DuckDB file, the PostgreSQL connection, Spark's folders. By
    default the settings' (SALESOPS_TARGET, SALESOPS_WAREHOUSE_PATH, SALESOPS_LAKE_DIR,
    SALESOPS_SPARK_WAREHOUSE_DIR, SALESOPS_PG_*; the password only as an EnvVar, so it never
    shows in run config); a run's config may point elsewhere."""

    target: str = "duckdb"
    duckdb_path: str = ""
    lake_dir: str = ""
    spark_warehouse_dir: str = ""
    pg_host: str = "127.0.0.1"
    pg_port: int = 5432
    pg_user: str = "postgres"
    pg_password: str = ""
    pg_database: str = "salesops"

    def location(self) -> Location:
        return Location(
            target=self.target,
            duckdb_path=Path(self.duckdb_path),
            lake_dir=self.lake_dir,
            spark_warehouse_dir=self.spark_warehouse_dir,
            pg_host=self.pg_host,
            pg_port=self.pg_port,
            pg_user=self.pg_user,
            pg_password=self.pg_password,
            pg_database=self.pg_database,
        )

    @contextmanager
    def in_use(self) -> Iterator[None]:
        """Inside, dlt, dbt, connections and the warehouse lock all work on this warehouse."""
        with located_at(self.location()):
            yield


def _warehouse_settings() -> dict[str, str | int]:
    """The resource's fields from the settings as they are now, all but the password."""
    where = Location.from_settings()
    return {
        "target": where.target,
        "duckdb_path": str(where.duckdb_path),
        "lake_dir": where.lake_dir,
        "spark_warehouse_dir": where.spark_warehouse_dir,
        "pg_host": where.pg_host,
        "pg_port": where.pg_port,
        "pg_user": where.pg_user,
        "pg_database": where.pg_database,
    }


def default_warehouse() -> Warehouse:
    password = dg.EnvVar("SALESOPS_PG_PASSWORD") if Location.from_settings().pg_password else ""
    return Warehouse(**_warehouse_settings(), pg_password=password)


def warehouse_run_config() -> dict[str, dict]:
    """The `warehouse` resource's run config from the settings as they are now: a command that
    starts a run in a process that loaded the definitions earlier (a test, a notebook) still
    runs on the warehouse the settings name. The password stays the resource's EnvVar."""
    return {"warehouse": {"config": _warehouse_settings()}}
