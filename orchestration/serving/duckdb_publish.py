"""Publishing to DuckDB serving files: written aside, then swapped in by an atomic rename.

A BI reader opens `marts.duckdb` read-only; the run never writes to that file. It writes a new
file next to it and renames it over the old one, so a reader sees either the old publication or
the new one, never half of each, and keeps the old file (its open inode) until it reconnects.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.lake_tables import attach_lake
from orchestration.serving.stores import (
    PUBLICATION_COLUMN_DESCRIPTIONS,
    PUBLISHED_AT_COLUMN,
    RUN_ID_COLUMN,
    ServingStore,
)
from orchestration.warehouse_location import Location


def serving_file(serving_dir: Path, store: ServingStore) -> Path:
    return serving_dir / store.file_name


def publish_duckdb(
    warehouse: Path | Location,
    serving_dir: Path,
    store: ServingStore,
    run_id: str,
    published_at: datetime,
) -> dict[str, int]:
    """Copies the store's marts from the warehouse (a DuckDB file, or Spark's tables) into a fresh
    file and swaps it in."""
    serving_dir.mkdir(parents=True, exist_ok=True)
    final = serving_file(serving_dir, store)
    # A publish killed half-way left its staged file (and DuckDB's .wal) behind; only one
    # publish runs at a time (the warehouse pool), so any staged file here is such a leftover.
    for leftover in serving_dir.glob(f".{final.name}.*.tmp*"):
        leftover.unlink(missing_ok=True)
    staged = final.with_name(f".{final.name}.{run_id}.tmp")
    counts: dict[str, int] = {}
    with duckdb.connect(str(staged), config=settings.duckdb_config()) as connection:
        if isinstance(warehouse, Location):
            attach_lake(connection, warehouse, store.file_schemas)
        else:
            connection.execute(f"attach '{warehouse}' as warehouse (read_only)")
        tables = connection.execute(
            "select schema_name, table_name, comment from duckdb_tables() "
            "where database_name = 'warehouse' and schema_name in (select unnest(?)) "
            "union all select schema_name, view_name, comment from duckdb_views() "
            "where database_name = 'warehouse' and schema_name in (select unnest(?)) "
            "order by schema_name, table_name",
            [list(store.file_schemas)] * 2,
        ).fetchall()
        for schema in sorted({schema for schema, _, _ in tables}):
            connection.execute(f'create schema "{schema}"')
        for schema, table, comment in tables:
            name = f'"{schema}"."{table}"'
            connection.execute(
                f"create table {name} as select *, ? as {RUN_ID_COLUMN}, "
                f"cast(? as timestamptz) as {PUBLISHED_AT_COLUMN} from warehouse.{name}",
                [run_id, published_at],
            )
            _copy_descriptions(connection, schema, table, comment)
            counts[f"{schema}.{table}"] = connection.execute(f"select count(*) from {name}").fetchone()[0]
        connection.execute("detach warehouse")
        connection.execute("checkpoint")
    os.replace(staged, final)
    return counts


def _copy_descriptions(
    connection: duckdb.DuckDBPyConnection, schema: str, table: str, comment: str | None
) -> None:
    """The table's and its columns' descriptions (dbt docs, persisted in the warehouse), for BI
    tools that show them; the two publication columns get theirs."""
    name = f'"{schema}"."{table}"'
    if comment:
        connection.execute(f"comment on table {name} is {_literal(comment.strip())}")
    columns = connection.execute(
        "select column_name, comment from duckdb_columns() where database_name = 'warehouse' "
        "and schema_name = ? and table_name = ? and comment is not null",
        [schema, table],
    ).fetchall()
    described = [*columns, *PUBLICATION_COLUMN_DESCRIPTIONS.items()]
    for column, text in described:
        connection.execute(f'comment on column {name}."{column}" is {_literal(text.strip())}')


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
