"""What a run loaded and built: row counts per raw table and per mart, read from the warehouse."""

from __future__ import annotations

from orchestration import warehouse

RAW_SCHEMAS = ("raw_salesforce", "raw_hubspot", "raw_finance", "raw_plans")
MART_SCHEMAS = ("pipeline", "quota", "compensation")


def table_row_counts(schemas: tuple[str, ...]) -> dict[str, int]:
    return {
        f"{schema}.{table}": warehouse.fetch_all(f'select count(*) from "{schema}"."{table}"')[0][0]
        for schema, table in warehouse.existing_tables(schemas)
    }


def format_summary() -> str:
    lines = ["Loaded (raw tables):"]
    lines += [f"  {name:50s} {rows:>10,d}" for name, rows in table_row_counts(RAW_SCHEMAS).items()]
    lines.append("Built (marts):")
    lines += [f"  {name:50s} {rows:>10,d}" for name, rows in table_row_counts(MART_SCHEMAS).items()]
    return "\n".join(lines)
