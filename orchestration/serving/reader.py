"""Reading back what was just published (key totals, previews and charts for the UI)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from orchestration import settings, warehouse
from orchestration.serving.duckdb_publish import serving_file
from orchestration.serving.stores import ServingStore

Fetch = Callable[[str], Sequence[tuple[Any, ...]]]


@dataclass(frozen=True)
class ServingReader:
    query: Callable[[str], tuple[list[str], list[tuple[Any, ...]]]]  # (column names, rows)
    qualify: Callable[[str], str]  # a published table's name as this engine needs it

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return self.query(sql)[1]


@contextmanager
def serving_reader(store: ServingStore) -> Iterator[ServingReader]:
    """The store as BI sees it."""
    if settings.warehouse_target() == "postgres":
        import psycopg2

        connection = psycopg2.connect(**warehouse.pg_params())

        def query(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return [column[0] for column in cursor.description], cursor.fetchall()

        try:
            yield ServingReader(query, lambda table: f'{store.postgres_schema}."{table}"')
        finally:
            connection.close()
        return
    import duckdb

    with duckdb.connect(str(serving_file(settings.serving_dir(), store)), read_only=True) as duck:

        def query_duckdb(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
            result = duck.execute(sql)
            return [column[0] for column in result.description], result.fetchall()

        yield ServingReader(query_duckdb, lambda table: f'"{table}"')


def key_totals(reader: ServingReader, store: ServingStore, table: str | None = None) -> dict[str, float]:
    """The store's key totals (only those of `table` when given)."""
    return {
        name: float(
            reader.fetch(f"select coalesce({expression}, 0) from {reader.qualify(total_table)}")[0][0]
        )
        for name, total_table, expression in store.key_totals
        if table is None or total_table == table
    }
