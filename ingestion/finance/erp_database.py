"""Finance from the ERP/billing database through dlt's `sql_database` (any SQLAlchemy URL).

The connector reads the finance tables (or views with the same names and columns: point it at a
schema of views when the ERP names things differently) with the pyarrow backend, incrementally on
each table's updated-at column, and merges them on their keys. Rows then meet the same contracts
as the finance export files: a NULL in a required field, or a value that does not fit a declared
type, sends the row to `<table>__rejected` with the reason, and the rest load.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource
from dlt.extract.source import DltSource
from dlt.sources.sql_database import sql_database

from ingestion.contracts import TableContract, as_text, contracted_items
from ingestion.finance.tables import FINANCE_TABLES


def _contracted(spec: TableContract, where: str) -> DltResource:
    @dlt.transformer(**spec.resource_hints())
    def contracted(batches: pa.Table | list[pa.Table]) -> Iterator[Any]:
        # Database types vary by ERP; one text pass puts every source through the same casts.
        for batch in batches if isinstance(batches, list) else [batches]:
            yield from contracted_items(as_text(batch), spec, where, first_line=1)

    return contracted


@dlt.source(name="finance_database")
def finance_database(
    credentials: str = dlt.secrets.value, schema: str | None = dlt.config.value, chunk_size: int = 50_000
) -> Iterator[Any]:
    """The finance tables of `schema` in the database at `credentials` (a SQLAlchemy URL)."""
    tables: DltSource = sql_database(
        credentials=credentials,
        schema=schema,
        table_names=[spec.origin for spec in FINANCE_TABLES],
        backend="pyarrow",
        chunk_size=chunk_size,
        include_views=True,
        reflection_level="minimal",
        defer_table_reflect=True,  # no database connection until the load runs
    )
    for spec in FINANCE_TABLES:
        # The table reader keeps the incremental cursor; the transformer applies the contract.
        reader = tables.resources[spec.origin].with_name(f"{spec.origin}_erp_rows")
        cursor = dlt.sources.incremental(spec.cursor, on_cursor_value_missing="include")
        reader.apply_hints(incremental=cursor)
        yield reader | _contracted(spec, f"{schema or 'default schema'}.{spec.origin}")
