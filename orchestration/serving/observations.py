"""What each published mart shows on its own page in the UI: an observation with its row count,
its key totals, a preview of its first rows and, where a picture says more, its chart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg

from orchestration.serving.charts import chart_markdown
from orchestration.serving.reader import ServingReader, key_totals
from orchestration.serving.stores import PUBLISHED_AT_COLUMN, RUN_ID_COLUMN, ServingStore

PREVIEW_ROWS, PREVIEW_COLUMNS = 5, 8


def preview_table(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """The first rows as a markdown table, without the publication columns."""
    shown = [c for c in columns if c not in (RUN_ID_COLUMN, PUBLISHED_AT_COLUMN)][:PREVIEW_COLUMNS]
    index = [columns.index(c) for c in shown]
    lines = ["| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    lines += ["| " + " | ".join(str(row[i]) for i in index) + " |" for row in rows]
    return "\n".join(lines)


def mart_observations(
    reader: ServingReader, store: ServingStore, marts: Mapping[str, dg.AssetKey], counts: Mapping[str, int]
) -> list[dg.AssetObservation]:
    observations = []
    for table, rows in counts.items():
        if table not in marts:
            continue
        columns, first_rows = reader.query(f"select * from {reader.qualify(table)} limit {PREVIEW_ROWS}")
        metadata: dict[str, dg.RawMetadataValue] = {
            "dagster/row_count": rows,
            "preview": dg.MetadataValue.md(preview_table(columns, first_rows)),
            **{
                name: dg.MetadataValue.float(round(value, 2))
                for name, value in key_totals(reader, store, table).items()
            },
        }
        if chart := chart_markdown(reader.fetch, table, reader.qualify(table)):
            metadata["chart"] = dg.MetadataValue.md(chart)
        observations.append(dg.AssetObservation(asset_key=marts[table], metadata=metadata))
    return observations
