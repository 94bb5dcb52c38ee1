"""Reading marts back for the UI (row counts, key totals, previews and charts): from the serving
store BI reads, or from the warehouse right after dbt built them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import dagster as dg

from orchestration import settings, warehouse
from orchestration.serving.duckdb_publish import serving_file
from orchestration.serving.stores import REPORTING_CURRENCY, KeyTotal, ServingStore
from orchestration.warehouse_location import location

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
    if location().is_postgres:
        import psycopg2

        connection = psycopg2.connect(**warehouse.pg_params())
        try:
            query = _query_through(connection)
            _, rows = query(
                "select table_schema, table_name from information_schema.tables "
                f"where table_schema in ({', '.join(repr(s) for s in store.postgres_schemas)})"
            )
            yield TableReader(query, _qualifier(rows))
        finally:
            connection.close()
        return
    import duckdb

    with duckdb.connect(str(serving_file(settings.serving_dir(), store)), read_only=True) as duck:
        query = _query_through(duck)
        _, rows = query("select schema_name, table_name from duckdb_tables()")
        yield TableReader(query, _qualifier(rows))


def _qualifier(tables: Sequence[tuple[Any, ...]]) -> Callable[[str], str]:
    """A table's name with its schema, in a store whose table names are unique across its schemas."""
    schema_of = {table: schema for schema, table in tables}
    return lambda table: f'"{schema_of[table]}"."{table}"'


@contextmanager
def warehouse_reader(schemas: Mapping[str, str]) -> Iterator[TableReader]:
    """The warehouse's marts, `schemas` naming each table's schema (read-only, closed on exit)."""
    with warehouse.read_connection() as connection:
        yield TableReader(_query_through(connection), lambda table: f'"{schemas[table]}"."{table}"')


def key_totals(
    reader: TableReader, stores: Sequence[ServingStore], table: str | None = None
) -> dict[str, dg.MetadataValue]:
    """The stores' key totals (only those of `table` when given), as the UI shows them: a number
    per total for its plot over time (per currency: `<name>_<currency>` when there are several),
    and `key_totals`, a table with currencies and thousands separators."""
    metadata: dict[str, dg.MetadataValue] = {}
    lines = ["| total | amount |", "|---|---|"]
    for store in stores:
        for total in store.key_totals:
            if table is not None and total.table != table:
                continue
            by_currency = _total_by_currency(reader, total)
            for currency, value in by_currency:
                name = total.name if len(by_currency) == 1 else f"{total.name}_{currency}"
                if currency is None:
                    metadata[name] = dg.MetadataValue.int(int(value))
                    lines.append(f"| {total.name.replace('_', ' ')} | {int(value):,} |")
                else:
                    metadata[name] = dg.MetadataValue.float(round(float(value), 2))
                    lines.append(f"| {total.name.replace('_', ' ')} | {value:,.2f} {currency} |")
    if len(lines) > 2:
        metadata["key_totals"] = dg.MetadataValue.md("\n".join(lines))
    return metadata


def _total_by_currency(reader: TableReader, total: KeyTotal) -> list[tuple[str | None, Decimal]]:
    source = reader.qualify(total.table)
    if total.currency is None or total.currency == REPORTING_CURRENCY:
        (value,) = reader.fetch(f"select coalesce({total.expression}, 0) from {source}")[0]
        currency = settings.reporting_currency() if total.currency else None
        return [(currency, Decimal(str(value)))]
    rows = reader.fetch(
        f"select {total.currency}, coalesce({total.expression}, 0) from {source} "
        f"group by {total.currency} order by {total.currency}"
    )
    return [(currency, Decimal(str(value))) for currency, value in rows] or [
        (settings.reporting_currency(), Decimal(0))
    ]
