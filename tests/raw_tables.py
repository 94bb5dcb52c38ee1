"""Helpers to read what a dlt pipeline loaded into DuckDB, without dlt's own bookkeeping columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

DLT_COLUMNS = ("_dlt_load_id", "_dlt_id")


def table_rows(database: Path, dataset: str, table: str, key: str = "id") -> dict[Any, dict[str, Any]]:
    """Rows of a table keyed by `key`, as column -> value, business columns only."""
    with duckdb.connect(str(database), read_only=True) as con:
        columns = [
            name
            for (name,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ? order by column_name",
                [dataset, table],
            ).fetchall()
            if name not in DLT_COLUMNS
        ]
        rows = con.execute(f'select {", ".join(columns)} from {dataset}."{table}"').fetchall()
    return {record[key]: record for record in (dict(zip(columns, row, strict=True)) for row in rows)}


def row_counts(database: Path, dataset: str) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = ? "
                "and table_name not like '\\_dlt%' escape '\\'",
                [dataset],
            ).fetchall()
        ]
        return {t: con.execute(f'select count(*) from {dataset}."{t}"').fetchone()[0] for t in tables}
