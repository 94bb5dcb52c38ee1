"""The Spark target's tables as the other steps read them: through DuckDB over the Parquet files,
without a Spark session (a JVM per check would cost seconds, and Spark's embedded catalog admits
one process at a time). Raw tables are the lake's folders dlt writes
(`<lake>/<dataset>/<table>/*.parquet`); dbt's tables are Spark's (`<spark warehouse>/<schema>.db/
<table>/`, partitioned ones in `<column>=<value>/` folders). Spark's views (staging,
intermediate, dbt's failing-row views) hold no files and are not readable here.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from orchestration import settings
from orchestration.warehouse_location import Location


def _has_parquet(folder: Path) -> bool:
    return next(folder.rglob("*.parquet"), None) is not None


def table_folders(where: Location) -> dict[tuple[str, str], Path]:
    """(schema, table) -> the folder of its Parquet files, for every table that has any."""
    folders: dict[tuple[str, str], Path] = {}
    lake, spark = where.lake_dir, where.spark_warehouse_dir
    for dataset in sorted(lake.glob("raw_*")) if lake.is_dir() else []:
        for table in sorted(dataset.iterdir()):
            # dlt's bookkeeping (_dlt_loads, _dlt_version, ...) and its `init` marker are not tables.
            if table.is_dir() and not table.name.startswith("_") and _has_parquet(table):
                folders[(dataset.name, table.name)] = table
    for schema in sorted(spark.glob("*.db")) if spark.is_dir() else []:
        if schema.name.startswith("raw_"):  # Spark's external tables over the lake, read above
            continue
        for table in sorted(schema.iterdir()):
            if table.is_dir() and _has_parquet(table):
                folders[(schema.name.removesuffix(".db"), table.name)] = table
    return folders


def parquet_scan(folder: Path) -> str:
    """A table's rows: every Parquet file under its folder, partition folders read as columns,
    files of older schemas (dlt adds columns) lined up by name."""
    pattern = str(folder / "**" / "*.parquet").replace("'", "''")
    return f"read_parquet('{pattern}', hive_partitioning = true, union_by_name = true)"


@contextmanager
def lake_connection(where: Location) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB with a view `"<schema>"."<table>"` over each table's files."""
    with duckdb.connect(config=settings.duckdb_config()) as connection:
        folders = table_folders(where)
        for schema in sorted({schema for schema, _ in folders}):
            connection.execute(f'create schema "{schema}"')
        for (schema, table), folder in folders.items():
            connection.execute(f'create view "{schema}"."{table}" as select * from {parquet_scan(folder)}')
        yield connection


# Parquet types for the Python values a row holds. A timestamp is stored as an instant (UTC), the
# type Spark's `timestamp` reads; naive datetimes are UTC here.
_PARQUET_TYPES = {bool: "boolean", int: "bigint", float: "double", date: "date", datetime: "timestamptz"}


def _column_type(values: list[Any]) -> str:
    kinds = {type(value) for value in values if value is not None}
    return _PARQUET_TYPES.get(kinds.pop(), "varchar") if len(kinds) == 1 else "varchar"


def append_rows(where: Location, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Appends `rows` to a Spark table (`schema.table`) as one more Parquet file in its folder,
    written under a hidden name and then renamed, so a reader sees all of it or none. The values
    go in as query parameters."""
    schema, name = table.split(".")
    folder = where.spark_warehouse_dir / f"{schema}.db" / name
    folder.mkdir(parents=True, exist_ok=True)
    staged = folder / f".part-{uuid.uuid4().hex}.parquet"
    types = [_column_type([row[i] for row in rows]) for i in range(len(columns))]
    with duckdb.connect() as connection:  # without ICU, a naive timestamp is taken as UTC
        defined = ", ".join(f'"{column}" {kind}' for column, kind in zip(columns, types, strict=True))
        connection.execute(f"create table appended ({defined})")
        marks = ", ".join("?" * len(columns))
        connection.executemany(f"insert into appended values ({marks})", rows)
        connection.execute(f"copy appended to '{staged}' (format parquet)")
    staged.rename(staged.with_name(staged.name.removeprefix(".")))


def dbt_descriptions() -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
    """(schema, table) -> the model's description and its columns', from dbt's manifest: Spark
    keeps them in its catalog, which only Spark reads."""
    from orchestration.defs.transform.project import dbt_project  # dagster-dbt: only when publishing

    manifest = dbt_project().manifest_path
    if not manifest.exists():
        return {}
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return {
        (node["schema"], node["alias"]): (
            node.get("description") or "",
            {name: column.get("description") or "" for name, column in node.get("columns", {}).items()},
        )
        for node in nodes
        if node.get("resource_type") == "model"
    }


def attach_lake(connection: duckdb.DuckDBPyConnection, where: Location, schemas: tuple[str, ...]) -> None:
    """A database `warehouse` in `connection` with a view over each Spark table of `schemas`, with
    dbt's descriptions, as the DuckDB warehouse file would be attached."""
    connection.execute("attach ':memory:' as warehouse")
    descriptions = dbt_descriptions()
    for (schema, table), folder in table_folders(where).items():
        if schema not in schemas:
            continue
        name = f'warehouse."{schema}"."{table}"'
        connection.execute(f'create schema if not exists warehouse."{schema}"')
        connection.execute(f"create view {name} as select * from {parquet_scan(folder)}")
        text, columns = descriptions.get((schema, table), ("", {}))
        if text:
            connection.execute(f"comment on view {name} is {_literal(text)}")
        for column, column_text in columns.items():
            if column_text:
                connection.execute(f'comment on column {name}."{column}" is {_literal(column_text)}')


def _literal(text: str) -> str:
    return "'" + text.strip().replace("'", "''") + "'"
