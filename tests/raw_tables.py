"""Helpers to read what a dlt pipeline loaded into DuckDB, without dlt's own bookkeeping columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dlt
import duckdb

DLT_COLUMNS = ("_dlt_load_id", "_dlt_id")
# The version stamps of the sources' tables (Salesforce, HubSpot, finance, Zoho).
VERSION_COLUMNS = (
    "system_modstamp",
    "hs_lastmodifieddate",
    "lastmodifieddate",
    "updated_at",
    "created_date",
    "modified_time",
)


def duckdb_pipeline(workdir: Path, name: str, dataset: str) -> dlt.Pipeline:
    """A dlt pipeline into `<workdir>/warehouse.duckdb`, its state under `<workdir>/dlt`."""
    return dlt.pipeline(
        pipeline_name=name,
        destination=dlt.destinations.duckdb(str(workdir / "warehouse.duckdb")),
        dataset_name=dataset,
        pipelines_dir=str(workdir / "dlt"),
    )


def warehouse_of(pipeline: dlt.Pipeline) -> Path:
    return Path(pipeline.destination.config_params["credentials"])


def cause_of_type(error: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first error of `kind` in the chain of causes (dlt wraps a source's error twice)."""
    current: BaseException | None = error
    while current is not None and not isinstance(current, kind):
        current = current.__cause__ or current.__context__
    return current


def table_rows(database: Path, dataset: str, table: str, key: str = "id") -> dict[Any, dict[str, Any]]:
    """The newest version of each record of a table, keyed by `key`, as column -> value, business
    columns only."""
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
        # Raw keeps every version: order by the version stamp so the newest one per key stays,
        # as staging reads it.
        version = next((c for c in VERSION_COLUMNS if c in columns), key)
        rows = con.execute(
            f'select {", ".join(columns)} from {dataset}."{table}" order by {version} nulls first'
        ).fetchall()
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
