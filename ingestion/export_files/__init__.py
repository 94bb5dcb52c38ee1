"""Export-file sources: Salesforce-shaped CRM exports and finance exports dropped in a folder.

Each table reads `<folder>/*.csv` under the exports root. New or changed files are picked up
incrementally by their modification time (dlt's `filesystem` source with an incremental cursor), and
rows go through pyarrow, not row-by-row Python. Every table is merged on its primary key; when a
key appears several times (duplicate or later versions), the newest by the table's cursor column
wins. Deleted records keep arriving as rows with `IsDeleted = true`: they are flagged, not dropped.
Rows that break a declared type or miss a required field go to `<table>__rejected`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import dlt
from dlt.common.storages.fsspec_filesystem import FileItemDict
from dlt.extract.resource import DltResource
from dlt.sources.filesystem import filesystem

from ingestion.export_files.reader import read_text_table, split_typed_and_rejected
from ingestion.export_files.settings import CRM_TABLES, FINANCE_TABLES, SNAKE_CASE, ExportTable


def export_table_resource(exports_dir: str, spec: ExportTable) -> DltResource:
    """A resource that loads every new or changed `<folder>/*.csv` file into `spec.name`."""
    files = filesystem(bucket_url=exports_dir, file_glob=f"{spec.folder}/*.csv")
    files.apply_hints(incremental=dlt.sources.incremental("modification_date"))

    @dlt.transformer(
        name=spec.name,
        primary_key=[SNAKE_CASE.normalize_identifier(c) for c in spec.primary_key],
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        columns={SNAKE_CASE.normalize_identifier(spec.cursor): {"dedup_sort": "desc"}},
    )
    def read_files(items: Sequence[FileItemDict]) -> Iterator[object]:
        for item in items:
            with item.open(mode="rb") as handle:
                text = read_text_table(handle)
            typed, rejected = split_typed_and_rejected(text, spec, item["relative_path"])
            if typed.num_rows:
                yield typed
            if rejected.num_rows:
                yield dlt.mark.with_hints(
                    rejected,
                    dlt.mark.make_hints(
                        table_name=f"{spec.name}__rejected", write_disposition="append", primary_key=[]
                    ),
                )

    return files.with_name(f"{spec.name}_files") | read_files


@dlt.source(name="crm_exports")
def crm_exports(exports_dir: str = dlt.config.value) -> Iterator[DltResource]:
    """Salesforce-shaped CRM exports under `<exports_dir>/crm/<Object>/*.csv`."""
    for spec in CRM_TABLES:
        yield export_table_resource(f"{exports_dir}/crm", spec)


@dlt.source(name="finance_exports")
def finance_exports(exports_dir: str = dlt.config.value) -> Iterator[DltResource]:
    """ERP/billing exports under `<exports_dir>/finance/<table>/*.csv`."""
    for spec in FINANCE_TABLES:
        yield export_table_resource(f"{exports_dir}/finance", spec)
