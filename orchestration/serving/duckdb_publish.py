"""Publishing to DuckDB serving files: written aside, then swapped in by an atomic rename.

A BI reader opens `marts.duckdb` read-only; the run never writes to that file. It writes a new
file next to it and renames it over the old one, so a reader sees either the old publication or
the new one, never half of each, and keeps the old file (its open inode) until it reconnects.

The new file starts as a byte copy of the last publication: a large fact published by date keeps
the dates whose rows are the warehouse's (compared by a hash of each date's rows) and gets the
others anew; every other table is written anew.
"""

from __future__ import annotations

import os
import shutil
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
    _start_from(final, staged)
    by_date = dict(store.published_by_date)
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
        facts = {(schema, table) for schema, table, _ in tables if table in by_date}
        kept = _keep_published_facts(connection, facts, store.file_schemas)
        for schema in sorted({schema for schema, _, _ in tables}):
            connection.execute(f'create schema if not exists "{schema}"')
        for schema, table, comment in tables:
            name = f'"{schema}"."{table}"'
            if (schema, table) in kept:
                _publish_changed_dates(connection, schema, table, by_date[table], run_id, published_at)
            else:
                connection.execute(f"create table {name} as {_published_rows(name)}", [run_id, published_at])
            _copy_descriptions(connection, schema, table, comment)
            counts[f"{schema}.{table}"] = connection.execute(f"select count(*) from {name}").fetchone()[0]
        connection.execute("detach warehouse")
        connection.execute("checkpoint")
    os.replace(staged, final)
    return counts


def _start_from(publication: Path, staged: Path) -> None:
    """The staged file as a byte copy of the last publication, when there is one DuckDB opens;
    otherwise (none yet, or a file damaged outside the project) the new file starts empty."""
    if not publication.exists():
        return
    shutil.copyfile(publication, staged)
    try:
        with duckdb.connect(str(staged)) as connection:
            connection.execute("select count(*) from duckdb_tables()").fetchone()
    except duckdb.Error:
        staged.unlink()
        staged.with_name(f"{staged.name}.wal").unlink(missing_ok=True)


def _keep_published_facts(
    connection: duckdb.DuckDBPyConnection, facts: set[tuple[str, str]], schemas: tuple[str, ...]
) -> set[tuple[str, str]]:
    """Drops everything the copied publication holds (tables, and schemas the store no longer
    has) but the large facts whose columns are still the warehouse's (then the publication's
    two): those are kept, to be brought up to date by date."""
    published = connection.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
    ).fetchall()
    kept = {
        (schema, table)
        for schema, table in published
        if (schema, table) in facts and _columns_still_current(connection, schema, table)
    }
    for schema, table in published:
        if (schema, table) not in kept:
            connection.execute(f'drop table "{schema}"."{table}"')
    stale = connection.execute(
        "select schema_name from duckdb_schemas() where database_name = current_database() "
        "and not internal and schema_name <> 'main' and schema_name not in (select unnest(?))",
        [list(schemas)],
    ).fetchall()
    for (schema,) in stale:
        connection.execute(f'drop schema "{schema}" cascade')
    return kept


def _columns_still_current(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """The published table's columns are the warehouse's (names and types, in order), then the
    publication's two."""
    published = _columns(connection, "current_database()", schema, table)
    publication = [name for name, _ in published[-2:]] == [RUN_ID_COLUMN, PUBLISHED_AT_COLUMN]
    return publication and published[:-2] == _columns(connection, "'warehouse'", schema, table)


def _columns(
    connection: duckdb.DuckDBPyConnection, database: str, schema: str, table: str
) -> list[tuple[str, str]]:
    """(name, type) of each column, in order; `database` an SQL expression."""
    return connection.execute(
        f"select column_name, data_type from duckdb_columns() where database_name = {database} "
        "and schema_name = ? and table_name = ? order by column_index",
        [schema, table],
    ).fetchall()


def _publish_changed_dates(
    connection: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    date_column: str,
    run_id: str,
    published_at: datetime,
) -> None:
    """Replaces the rows of each date whose rows (count and an order-independent hash of every
    column) differ between the publication and the warehouse, and of dates only one side has."""
    name = f'"{schema}"."{table}"'
    columns = ", ".join(f'"{column}"' for column, _ in _columns(connection, "'warehouse'", schema, table))
    day = f'"{date_column}"'
    connection.execute(
        "create or replace temp table changed_dates as "
        f"with published as (select {day} as day, count(*) as n, sum(hash({columns})) as h "
        f"from {name} group by all), "
        f"current_rows as (select {day} as day, count(*) as n, sum(hash({columns})) as h "
        f"from warehouse.{name} group by all) "
        "select coalesce(current_rows.day, published.day) as day "
        "from current_rows full join published on current_rows.day is not distinct from published.day "
        "where current_rows.n is distinct from published.n or current_rows.h is distinct from published.h"
    )
    changed = f"exists (select 1 from changed_dates where changed_dates.day is not distinct from {day})"
    connection.execute(f"delete from {name} where {changed}")
    connection.execute(f"insert into {name} {_published_rows(name)} where {changed}", [run_id, published_at])
    connection.execute("drop table changed_dates")


def _published_rows(name: str) -> str:
    """The warehouse table's rows with the publication's run and time (two parameters)."""
    return (
        f"select *, ? as {RUN_ID_COLUMN}, cast(? as timestamptz) as {PUBLISHED_AT_COLUMN} "
        f"from warehouse.{name}"
    )


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
