"""What a run loaded and built: row counts per raw table and per mart, read from the warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb

RAW_SCHEMAS = ("raw_salesforce", "raw_finance", "raw_plans")
MART_SCHEMAS = ("pipeline", "quota", "compensation")


def table_row_counts(warehouse: Path, schemas: tuple[str, ...]) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = connection.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in (select unnest(?)) and not starts_with(table_name, '_dlt') "
            "order by schema_name, table_name",
            [list(schemas)],
        ).fetchall()
        return {
            f"{schema}.{table}": connection.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[
                0
            ]
            for schema, table in tables
        }


def format_summary(warehouse: Path) -> str:
    lines = ["Loaded (raw tables):"]
    lines += [f"  {name:50s} {rows:>10,d}" for name, rows in table_row_counts(warehouse, RAW_SCHEMAS).items()]
    lines.append("Built (marts):")
    lines += [
        f"  {name:50s} {rows:>10,d}" for name, rows in table_row_counts(warehouse, MART_SCHEMAS).items()
    ]
    return "\n".join(lines)
