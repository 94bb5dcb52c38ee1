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
from orchestration.serving.stores import PUBLISHED_AT_COLUMN, RUN_ID_COLUMN, ServingStore


def serving_file(serving_dir: Path, store: ServingStore) -> Path:
    return serving_dir / f"{store.name}.duckdb"


def publish_duckdb(
    warehouse: Path, serving_dir: Path, store: ServingStore, run_id: str, published_at: datetime
) -> dict[str, int]:
    """Copies the store's marts from the warehouse into a fresh file and swaps it in."""
    serving_dir.mkdir(parents=True, exist_ok=True)
    final = serving_file(serving_dir, store)
    # A publish killed half-way left its staged file (and DuckDB's .wal) behind; only one
    # publish runs at a time (the warehouse pool), so any staged file here is such a leftover.
    for leftover in serving_dir.glob(f".{final.name}.*.tmp*"):
        leftover.unlink(missing_ok=True)
    staged = final.with_name(f".{final.name}.{run_id}.tmp")
    counts: dict[str, int] = {}
    with duckdb.connect(str(staged), config=settings.duckdb_config()) as connection:
        connection.execute(f"attach '{warehouse}' as warehouse (read_only)")
        tables = connection.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = 'warehouse' and schema_name in (select unnest(?)) order by table_name",
            [list(store.mart_schemas)],
        ).fetchall()
        for schema, table in tables:
            connection.execute(
                f'create table main."{table}" as select *, ? as {RUN_ID_COLUMN}, '
                f'cast(? as timestamptz) as {PUBLISHED_AT_COLUMN} from warehouse."{schema}"."{table}"',
                [run_id, published_at],
            )
            counts[table] = connection.execute(f'select count(*) from main."{table}"').fetchone()[0]
        connection.execute("detach warehouse")
        connection.execute("checkpoint")
    os.replace(staged, final)
    return counts
