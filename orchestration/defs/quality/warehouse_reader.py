"""Reads a warehouse table into pandas through a short-lived read-only DuckDB connection."""

from __future__ import annotations

import duckdb
import pandas as pd

from orchestration import settings


def read_table(schema: str, table: str) -> pd.DataFrame:
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as connection:
        return connection.execute(f'select * from "{schema}"."{table}"').df()
