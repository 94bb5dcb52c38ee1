"""The Spark target's tables as the other steps read them: through DuckDB over the Parquet files,
without a Spark session (a JVM per check would cost seconds, and Spark's embedded catalog admits
one process at a time). Raw tables are the lake's folders dlt writes
(`<lake>/<dataset>/<table>/*.parquet`); dbt's tables are Spark's (`<spark warehouse>/<schema>.db/
<table>/`, partitioned ones in `<column>=<value>/` folders). Spark's views (staging,
intermediate, dbt's failing-row views) hold no files and are not readable here. Either folder may
be an object-store URL (`s3://…`): DuckDB then reads it through its fsspec filesystem.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import duckdb
from fsspec import AbstractFileSystem
from fsspec.core import url_to_fs
from fsspec.implementations.local import LocalFileSystem

from orchestration import settings
from orchestration.warehouse_location import Location


def _filesystem(location: str) -> tuple[AbstractFileSystem, str]:
    """The fsspec filesystem of a folder or object-store URL, and the path inside it."""
    return url_to_fs(location)


def _is_local(filesystem: AbstractFileSystem) -> bool:
    return isinstance(filesystem, LocalFileSystem)


def _subfolders(filesystem: AbstractFileSystem, path: str) -> list[str]:
    if not filesystem.isdir(path):
        return []
    return sorted(entry["name"] for entry in filesystem.ls(path, detail=True) if entry["type"] == "directory")


def _has_parquet(filesystem: AbstractFileSystem, folder: str) -> bool:
    if _is_local(filesystem):  # stops at the first file of a large local table
        return next(Path(folder).rglob("*.parquet"), None) is not None
    return bool(filesystem.glob(f"{folder}/**/*.parquet"))


def _tables_in(location: str, schema_folders: str) -> Iterator[tuple[str, str, str]]:
    """(schema folder name, table name, the table folder as DuckDB reads it) under `location`."""
    filesystem, root = _filesystem(location)
    for schema in _subfolders(filesystem, root):
        schema_name = schema.rsplit("/", 1)[-1]
        if not fnmatch(schema_name, schema_folders):
            continue
        for table in _subfolders(filesystem, schema):
            if _has_parquet(filesystem, table):
                readable = table if _is_local(filesystem) else filesystem.unstrip_protocol(table)
                yield schema_name, table.rsplit("/", 1)[-1], readable


def table_folders(where: Location) -> dict[tuple[str, str], str]:
    """(schema, table) -> the folder of its Parquet files, for every table that has any."""
    folders: dict[tuple[str, str], str] = {}
    for dataset, table, folder in _tables_in(where.lake_dir, "raw_*"):
        # dlt's bookkeeping (_dlt_loads, _dlt_version, ...) and its `init` marker are not tables.
        if not table.startswith("_"):
            folders[(dataset, table)] = folder
    for schema, table, folder in _tables_in(where.spark_warehouse_dir, "*.db"):
        if not schema.startswith("raw_"):  # Spark's external tables over the lake, read above
            folders[(schema.removesuffix(".db"), table)] = folder
    return folders


def parquet_scan(folder: str | Path) -> str:
    """A table's rows: every Parquet file under its folder, partition folders read as columns,
    files of older schemas (dlt adds columns) lined up by name."""
    pattern = f"{folder}/**/*.parquet".replace("'", "''")
    return f"read_parquet('{pattern}', hive_partitioning = true, union_by_name = true)"


def register_object_stores(connection: duckdb.DuckDBPyConnection, where: Location) -> None:
    """DuckDB reads (and writes) object-store URLs through their fsspec filesystems."""
    for location in (where.lake_dir, where.spark_warehouse_dir):
        filesystem, _ = _filesystem(location)
        if not _is_local(filesystem) and filesystem.protocol[0] not in connection.list_filesystems():
            connection.register_filesystem(filesystem)


@contextmanager
def lake_connection(where: Location) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB with a view `"<schema>"."<table>"` over each table's files."""
    with duckdb.connect(config=settings.duckdb_config()) as connection:
        register_object_stores(connection, where)
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
    filesystem, root = _filesystem(where.spark_warehouse_dir)
    folder = f"{root}/{schema}.db/{name}"
    filesystem.makedirs(folder, exist_ok=True)
    final = f"{folder}/part-{uuid.uuid4().hex}.parquet"
    # On disk, written under a hidden name and renamed; an object store shows an object only
    # once its upload is whole, so there it is written under its name.
    local = _is_local(filesystem)
    written = f"{folder}/.{final.rsplit('/', 1)[-1]}" if local else filesystem.unstrip_protocol(final)
    types = [_column_type([row[i] for row in rows]) for i in range(len(columns))]
    with duckdb.connect() as connection:  # without ICU, a naive timestamp is taken as UTC
        register_object_stores(connection, where)
        defined = ", ".join(f'"{column}" {kind}' for column, kind in zip(columns, types, strict=True))
        connection.execute(f"create table appended ({defined})")
        marks = ", ".join("?" * len(columns))
        connection.executemany(f"insert into appended values ({marks})", rows)
        connection.execute(f"copy appended to '{written}' (format parquet)")
    if local:
        Path(written).rename(final)


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
    register_object_stores(connection, where)
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
