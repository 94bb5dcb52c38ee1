"""Reads what a suite validates, through short-lived read-only warehouse connections."""

from __future__ import annotations

import pandas as pd

from expectations.spec import SuiteSpec
from orchestration import warehouse


def read_suite_rows(spec: SuiteSpec) -> pd.DataFrame:
    """The whole table (its newest version per key when versioned), or for a sliced suite the rows
    of its newest `slice_days` days."""
    table = f'"{spec.schema}"."{spec.table}"'
    if spec.version_column:
        key = ", ".join(f'"{column}"' for column in spec.key)
        # rank, not row_number: two rows of one key and version (which the merge never writes)
        # both stay, so the key check catches them.
        ranked = (
            f"select *, rank() over (partition by {key} "
            f'order by "{spec.version_column}" desc) as _version_rank from {table}'
        )
        return warehouse.read_frame(f"select * from ({ranked}) as versions where _version_rank = 1").drop(
            columns="_version_rank"
        )
    where = ""
    if spec.slice_column:
        column = f'"{spec.slice_column}"'
        where = (
            f" where {column} > (select max({column}) from {table})"
            f" - cast('{spec.slice_days} days' as interval)"
        )
    return warehouse.read_frame(f"select * from {table}{where}")


def distinct_values(schema: str, table: str, column: str) -> list[object]:
    """The values a reference may point at; none when the table is not loaded (so every
    reference to it fails, rather than the check crashing)."""
    mark = warehouse.placeholder()
    exists = warehouse.fetch_all(
        "select count(*) from information_schema.tables "  # tables and views
        f"where table_schema = {mark} and table_name = {mark}",
        (schema, table),
    )[0][0]
    if not exists:
        return []
    return [
        row[0]
        for row in warehouse.fetch_all(
            f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
        )
    ]
