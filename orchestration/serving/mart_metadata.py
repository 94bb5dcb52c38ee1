"""What each mart's materialization shows on its page in the UI: row count, key totals, a preview
of its first rows and, where a picture says more, its chart."""

from __future__ import annotations

from typing import Any

import dagster as dg

from orchestration.serving.charts import chart_markdown
from orchestration.serving.reader import TableReader, key_totals
from orchestration.serving.stores import PUBLISHED_AT_COLUMN, RUN_ID_COLUMN, STORES

PREVIEW_ROWS, PREVIEW_COLUMNS = 5, 8


def preview_table(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """The first rows as a markdown table, without the publication columns."""
    shown = [c for c in columns if c not in (RUN_ID_COLUMN, PUBLISHED_AT_COLUMN)][:PREVIEW_COLUMNS]
    index = [columns.index(c) for c in shown]
    lines = ["| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    lines += ["| " + " | ".join(str(row[i]) for i in index) + " |" for row in rows]
    return "\n".join(lines)


def mart_metadata(reader: TableReader, table: str) -> dict[str, dg.RawMetadataValue]:
    qualified = reader.qualify(table)
    columns, first_rows = reader.query(f"select * from {qualified} limit {PREVIEW_ROWS}")
    metadata: dict[str, dg.RawMetadataValue] = {
        "dagster/row_count": int(reader.fetch(f"select count(*) from {qualified}")[0][0]),
        "preview": dg.MetadataValue.md(preview_table(columns, first_rows)),
        **key_totals(reader, STORES, table),
    }
    if chart := chart_markdown(reader.fetch, table, qualified):
        metadata["chart"] = dg.MetadataValue.md(chart)
    return metadata
