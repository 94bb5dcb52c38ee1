"""Which warehouse a step works on: the engine, the DuckDB file, the PostgreSQL connection.

In a Dagster run it is the `warehouse` resource's (run config may point a run elsewhere): each
asset and check that opens the warehouse enters `located_at(...)` with it, and everything below
(dlt's destination, dbt's vars, connections, the warehouse lock) asks `location()`. Outside a
run (the command line, tests) it is the settings'.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestration import settings


@dataclass(frozen=True)
class Location:
    target: str  # duckdb | postgres | spark (also dbt's target)
    duckdb_path: Path
    lake_dir: str = "data/lake"  # spark: raw tables, written by dlt (a folder or an object-store URL)
    spark_warehouse_dir: str = "data/spark-warehouse"  # spark: its tables (and, locally, catalog)
    pg_host: str = "127.0.0.1"
    pg_port: int = 5432
    pg_user: str = "postgres"
    pg_password: str = ""
    pg_database: str = "salesops"

    @classmethod
    def from_settings(cls) -> Location:
        """SALESOPS_TARGET, SALESOPS_WAREHOUSE_PATH (or the data folder's warehouse.duckdb), the
        Spark folders (SALESOPS_LAKE_DIR, SALESOPS_SPARK_WAREHOUSE_DIR) and the SALESOPS_PG_*
        variables dbt's profile reads too."""
        return cls(
            target=settings.warehouse_target(),
            duckdb_path=settings.warehouse_path(),
            lake_dir=settings.lake_dir(),
            spark_warehouse_dir=settings.spark_warehouse_dir(),
            pg_host=os.environ.get("SALESOPS_PG_HOST", "127.0.0.1"),
            pg_port=int(os.environ.get("SALESOPS_PG_PORT", "5432")),
            pg_user=os.environ.get("SALESOPS_PG_USER", "postgres"),
            pg_password=os.environ.get("SALESOPS_PG_PASSWORD", ""),
            pg_database=os.environ.get("SALESOPS_PG_DATABASE", "salesops"),
        )

    @property
    def is_postgres(self) -> bool:
        return self.target == "postgres"

    @property
    def is_spark(self) -> bool:
        return self.target == "spark"

    @property
    def lock_path(self) -> Path:
        """The file whose lock gives a step the warehouse's turn (DuckDB's file; for Spark, its
        catalog, an embedded Derby database one process at a time may open; a lock file cannot live
        in an object store, so for a warehouse there, the data folder's)."""
        if not self.is_spark:
            return self.duckdb_path
        if "://" in self.spark_warehouse_dir:
            return settings.data_dir() / "spark-catalog"
        return Path(self.spark_warehouse_dir) / "catalog"

    def pg_params(self, database: str | None = None) -> dict[str, Any]:
        """psycopg2 keywords."""
        return {
            "host": self.pg_host,
            "port": self.pg_port,
            "user": self.pg_user,
            "password": self.pg_password,
            "dbname": database or self.pg_database,
        }


_active: ContextVar[Location | None] = ContextVar("warehouse_location", default=None)


def location() -> Location:
    """The warehouse of the step that is running, else the settings'."""
    return _active.get() or Location.from_settings()


@contextmanager
def located_at(where: Location) -> Iterator[None]:
    token = _active.set(where)
    try:
        yield
    finally:
        _active.reset(token)
