"""Reading marts back for the UI (row counts, key totals, previews and charts): from the serving
store BI reads, or from the warehouse right after dbt built them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from orchestration import settings, warehouse
from orchestration.serving.duckdb_publish import serving_file
from orchestration.serving.stores import ServingStore

Fetch = Callable[[str], Sequence[tuple[Any, ...]]]


@dataclass(frozen=True)
class TableReader:
    query: Callable[[str], tuple[list[str], list[tuple[Any, ...]]]]  # (column names, rows)
    qualify: Callable[[str], str]  # a mart's table name as this connection needs it

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return self.query(sql)[1]


def _query_through(connection: Any) -> Callable[[str], tuple[list[str], list[tuple[Any, ...]]]]:
    def query(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        cursor = connection.cursor()
        cursor.execute(sql)
        return [column[0] for column in cursor.description], cursor.fetchall()

    return query


@contextmanager
def serving_reader(store: ServingStore) -> Iterator[TableReader]:
    """The store as BI sees it."""
    if settings.warehouse_target() == "postgres":
        import psycopg2

        connection = psycopg2.connect(**warehouse.pg_params())
        try:
            yield TableReader(_query_through(connection), lambda table: f'{store.postgres_schema}."{table}"')
        finally:
            connection.close()
        return
    import duckdb

    with duckdb.connect(str(serving_file(settings.serving_dir(), store)), read_only=True) as duck:
        yield TableReader(_query_through(duck), lambda table: f'"{table}"')


@contextmanager
def warehouse_reader(schemas: Mapping[str, str]) -> Iterator[TableReader]:
    """The warehouse's marts, `schemas` naming each table's schema (read-only, closed on exit)."""
    with warehouse.read_connection() as connection:
        yield TableReader(_query_through(connection), lambda table: f'"{schemas[table]}"."{table}"')


def key_totals(
    reader: TableReader, stores: Sequence[ServingStore], table: str | None = None
) -> dict[str, float]:
    """The stores' key totals (only those of `table` when given)."""
    return {
        name: float(
            reader.fetch(f"select coalesce({expression}, 0) from {reader.qualify(total_table)}")[0][0]
        )
        for store in stores
        for name, total_table, expression in store.key_totals
        if table is None or total_table == table
    }
