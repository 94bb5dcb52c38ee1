"""The warehouse engine chosen by SALESOPS_TARGET: DuckDB (embedded default), PostgreSQL or Spark.

One place turns the setting into what each tool needs: a dlt destination, connection parameters
and short-lived connections for the steps that read (checks, publishing, summaries).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import dlt
import pandas as pd
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

from orchestration import settings
from orchestration.lake_tables import append_rows, lake_connection
from orchestration.warehouse_location import location
from orchestration.warehouse_lock import warehouse_turn


def pg_params(database: str | None = None) -> dict[str, Any]:
    """psycopg2 keywords for the warehouse of this step (the same values dbt's profile reads)."""
    return location().pg_params(database)


class WarehouseUnreachable(RuntimeError):
    """The PostgreSQL server cannot be reached or the database cannot be made; says how to fix it."""


def ensure_pg_database() -> bool:
    """Create the PostgreSQL database the settings name when it does not exist yet (connecting
    to the server's `postgres` database to do it). True when it was created."""
    import psycopg2
    from psycopg2 import sql

    params = pg_params()
    where = f"PostgreSQL at {params['host']}:{params['port']} as user {params['user']}"
    try:
        admin = psycopg2.connect(**pg_params("postgres"), connect_timeout=10)
    except psycopg2.OperationalError as error:
        reason = str(error).strip().splitlines()[0]
        raise WarehouseUnreachable(
            f"{where} is not reachable ({reason}). Start the server, or set SALESOPS_PG_HOST, "
            "SALESOPS_PG_PORT, SALESOPS_PG_USER and SALESOPS_PG_PASSWORD."
        ) from error
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("select 1 from pg_database where datname = %s", (params["dbname"],))
            if cursor.fetchone() is not None:
                return False
            try:
                cursor.execute(sql.SQL("create database {}").format(sql.Identifier(params["dbname"])))
            except psycopg2.Error as error:
                raise WarehouseUnreachable(
                    f"{where} has no database {params['dbname']!r} and this user may not create it "
                    f"({str(error).strip()}). Create it (createdb {params['dbname']}) or set "
                    "SALESOPS_PG_DATABASE to one that exists."
                ) from error
            return True
    finally:
        admin.close()


def dlt_destination() -> Any:
    if location().is_spark:
        # Parquet files in the lake, one folder per table; Spark reads them as external tables.
        # An object store's credentials are dlt's (its config or the cloud's usual environment).
        return dlt.destinations.filesystem(bucket_url=location().lake_dir)
    if location().is_postgres:
        params = pg_params()
        credentials = {
            "host": params["host"],
            "port": params["port"],
            "username": params["user"],
            # dlt insists on a password; a server with trust (or peer) auth ignores it.
            "password": params["password"] or "unused-without-password-auth",
            "database": params["dbname"],
        }
        return dlt.destinations.postgres(credentials=credentials)
    # dlt's own connection under the project's memory cap too: merging a large load it would
    # otherwise take DuckDB's default, 80 % of the machine, inside this process.
    memory_cap = {"memory_limit": settings.duckdb_config()["memory_limit"]}
    return dlt.destinations.duckdb(DuckDbCredentials(str(location().duckdb_path), global_config=memory_cap))


# The connection every read in a `one_connection()` block shares.
_shared_connection: ContextVar[Any | None] = ContextVar("shared_warehouse_connection", default=None)


@contextmanager
def one_connection() -> Iterator[None]:
    """Every read inside the block goes through one connection: a check asks a dozen small
    questions, and opening a large DuckDB file each time costs more than answering them."""
    if _shared_connection.get() is not None:
        yield
        return
    with _open_read_connection() as connection:
        token = _shared_connection.set(connection)
        try:
            yield
        finally:
            _shared_connection.reset(token)


def release_read_cache() -> None:
    """Inside `one_connection()` on DuckDB: evicts what the shared connection cached of the tables
    it read, as closing it would (one connection for every suite of a check step held 1 GiB more
    at scale 100), without opening the file again (70 ms a time at scale 10). Lowering the
    engine's memory cap evicts every block no query holds; the cap is then set back."""
    shared = _shared_connection.get()
    if shared is None or location().is_postgres or location().is_spark:
        return
    import duckdb

    try:
        shared.execute(f"set memory_limit = '{EVICTING_MEMORY_LIMIT}'")
    except duckdb.Error:
        pass  # blocks still held: evicted what it could
    finally:
        shared.execute(f"set memory_limit = '{settings.duckdb_config()['memory_limit']}'")


EVICTING_MEMORY_LIMIT = "16MB"


@contextmanager
def read_connection() -> Iterator[Any]:
    """A DB-API connection that only reads, closed on exit (a DuckDB reader still blocks writers);
    the block's shared one inside `one_connection()`."""
    shared = _shared_connection.get()
    if shared is not None:
        yield shared
        return
    with _open_read_connection() as connection:
        yield connection


@contextmanager
def _open_read_connection() -> Iterator[Any]:
    if location().is_spark:
        with warehouse_turn(), lake_connection(location()) as connection:
            yield connection
        return
    if location().is_postgres:
        import psycopg2

        connection = psycopg2.connect(**pg_params())
        connection.set_session(readonly=True, autocommit=True)
        try:
            yield connection
        finally:
            connection.close()
        return
    import duckdb

    with (
        warehouse_turn(),
        duckdb.connect(
            str(location().duckdb_path), read_only=True, config=settings.duckdb_config()
        ) as connection,
    ):
        yield connection


def insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Appends `rows` to `table` in one transaction, as query parameters (values are never pasted
    into the SQL); on DuckDB in the warehouse's turn."""
    if location().is_spark:
        with warehouse_turn():
            append_rows(location(), table, columns, rows)
        return
    marks = ", ".join([placeholder()] * len(columns))
    sql = f"insert into {table} ({', '.join(columns)}) values ({marks})"
    if location().is_postgres:
        import psycopg2

        connection = psycopg2.connect(**pg_params())
        try:
            with connection, connection.cursor() as cursor:  # commits, or rolls back on error
                cursor.executemany(sql, rows)
        finally:
            connection.close()
        return
    import duckdb

    with (
        warehouse_turn(),
        duckdb.connect(str(location().duckdb_path), config=settings.duckdb_config()) as connection,
    ):
        connection.begin()
        connection.executemany(sql, rows)
        connection.commit()


def fetch_all(sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with read_connection() as connection:
        cursor = connection.cursor()
        cursor.execute(sql, parameters or None)
        return cursor.fetchall()


def read_frame(sql: str) -> pd.DataFrame:
    with read_connection() as connection:
        if not location().is_postgres:
            return connection.execute(sql).df()
        cursor = connection.cursor()
        cursor.execute(sql)
        columns = [column[0] for column in cursor.description]
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def content_fingerprint(query: str) -> str:
    """Row count and an order-independent hash of every row `query` returns, dlt's bookkeeping
    columns (load id, row id) left out: equal when the rows are equal, even after a reload of the
    same rows. One scan inside the engine, far cheaper than reading the rows out."""
    with read_connection() as connection:
        cursor = connection.cursor()
        cursor.execute(f"select * from ({query}) as described limit 0")
        columns = [c[0] for c in cursor.description if not c[0].startswith("_dlt")]
        quoted = ", ".join(f'fingerprinted."{column}"' for column in columns) or "0"
        if location().is_postgres:
            row_hash = f"('x' || left(md5(row({quoted})::text), 15))::bit(60)::bigint"
        else:
            row_hash = f"hash({quoted})"
        cursor.execute(f"select count(*), sum({row_hash}) from ({query}) as fingerprinted")
        ((rows, total),) = cursor.fetchall()
    return f"{rows}:{total}"


def placeholder() -> str:
    """The query parameter marker of the engine's DB-API driver."""
    return "%s" if location().is_postgres else "?"


def existing_tables(schemas: tuple[str, ...]) -> list[tuple[str, str]]:
    """(schema, table) of every base table in `schemas`, without dlt's bookkeeping tables (on
    Spark, every table with files: they are views over them here)."""
    placeholders = ", ".join([placeholder()] * len(schemas))
    kinds = "('BASE TABLE', 'VIEW')" if location().is_spark else "('BASE TABLE')"
    return [
        (schema, table)
        for schema, table in fetch_all(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in ({placeholders}) and table_type in {kinds} "
            "order by table_schema, table_name",
            schemas,
        )
        if not table.startswith("_dlt")
    ]
