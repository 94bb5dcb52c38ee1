"""Export-file sources: Salesforce-shaped CRM exports and finance exports dropped in a folder.

Each table reads `<folder>/*.{csv,jsonl,parquet}` under the exports root. New or changed files are
picked up incrementally by their modification time (dlt's `filesystem` source with an incremental
cursor), and rows go through pyarrow, not row-by-row Python. Every table is merged on its primary
key; when a key appears several times (duplicate or later versions), the newest by the table's
cursor column wins. Deleted records keep arriving as rows with `IsDeleted = true`: they are
flagged, not dropped. Rows that break a declared type or miss a required field go to
`<table>__rejected`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import dlt
from dlt.common.storages.fsspec_filesystem import FileItemDict
from dlt.extract.resource import DltResource
from dlt.sources.filesystem import filesystem

from ingestion.contracts import TableContract, contracted_items
from ingestion.export_files.reader import EXTENSIONS, read_text_table
from ingestion.finance.tables import FINANCE_TABLES
from ingestion.salesforce.objects import CRM_TABLES


def export_table_resource(exports_dir: str, spec: TableContract) -> DltResource:
    """A resource that loads every new or changed file under `<origin>/` into `spec.name`."""
    files = filesystem(bucket_url=exports_dir, file_glob=f"{spec.origin}/*")
    files.add_filter(lambda item: item["file_name"].endswith(EXTENSIONS))
    files.apply_hints(incremental=dlt.sources.incremental("modification_date"))

    @dlt.transformer(**spec.resource_hints())
    def read_files(items: Sequence[FileItemDict]) -> Iterator[object]:
        for item in items:
            with item.open(mode="rb") as handle:
                text = read_text_table(handle, item["file_name"])
            yield from contracted_items(text, spec, item["relative_path"])

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
