"""Export-file sources: Salesforce-shaped CRM exports and finance exports dropped in a folder.

Each table reads `<folder>/*.{csv,jsonl,parquet}` under the exports root. A file is new or
changed when its path, size or content is: a manifest of every file loaded (path, size,
modification time, SHA-256 of its content) is kept in the resource's dlt state, committed with the
load. So a file copied with an old modification time (`cp -p`, `rsync -a`, `tar`) still loads, a
file only touched is not read again, and a file whose content was already loaded under another
name adds nothing. Every version of every record is kept in raw (merged on key + version stamp);
staging reads the newest. Deleted records keep arriving as rows with `IsDeleted = true`.

Bad files hold back only themselves: an empty or header-only file is skipped with a warning; a
file that cannot be read (cut off, not comma-separated, not in the source's encoding) is recorded
in `<table>__rejected` with its line and what to do, and is tried again on the next run. Rows that
break a declared type or miss a required field go to `<table>__rejected`. A folder with no files
still gives an (empty) table.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from typing import Any

import dlt
from dlt.common.storages.fsspec_filesystem import FileItemDict
from dlt.extract.resource import DltResource
from dlt.sources.filesystem import filesystem

from ingestion.contracts import TableContract, contracted_items, empty_typed_table, rejected_file_item
from ingestion.export_files.reader import EXTENSIONS, UnreadableFile, read_text_table
from ingestion.finance.tables import FINANCE_TABLES
from ingestion.salesforce.objects import CRM_TABLES

log = logging.getLogger("salesops.ingestion")


def _fingerprint(item: FileItemDict) -> dict[str, Any]:
    return {"size": item["size_in_bytes"], "modified": item["modification_date"].isoformat()}


def _read_file(item: FileItemDict, data: bytes, spec: TableContract, encoding: str) -> tuple[list[Any], bool]:
    """(the file's typed and rejected rows, whether it was held back as unreadable)."""
    path = item["relative_path"]
    try:
        text = read_text_table(io.BytesIO(data), item["file_name"], encoding)
        items = list(contracted_items(text, spec, path))
    except (UnreadableFile, ValueError) as error:
        line = error.line if isinstance(error, UnreadableFile) else 1
        log.error(f"{spec.name}: file {path} held back, {error}. The other files load.")
        return [rejected_file_item(spec, path, line, str(error))], True
    if text.num_rows == 0:
        log.warning(f"{spec.name}: file {path} skipped: it has a header and no rows.")
    else:
        log.info(f"{spec.name}: file {path} loaded ({text.num_rows} rows).")
    return items, False


def export_table_resource(exports_dir: str, spec: TableContract, encoding: str = "utf-8") -> DltResource:
    """A resource that loads every new or changed file under `<origin>/` into `spec.name`."""

    @dlt.resource(**spec.resource_hints())
    def export_table() -> Iterator[Any]:
        manifest: dict[str, dict[str, Any]] = dlt.current.resource_state().setdefault("files", {})
        loaded_content = {entry["sha256"]: path for path, entry in manifest.items()}
        for item in filesystem(bucket_url=exports_dir, file_glob=f"{spec.origin}/*"):
            path = item["relative_path"]
            if not item["file_name"].endswith(EXTENSIONS):
                continue
            known = manifest.get(path)
            if known and {key: known[key] for key in ("size", "modified")} == _fingerprint(item):
                log.debug(f"{spec.name}: file {path} skipped: unchanged since it was loaded.")
                continue
            with item.open(mode="rb") as handle:
                data = handle.read()
            digest = hashlib.sha256(data).hexdigest()
            if not data.strip():
                log.warning(f"{spec.name}: file {path} skipped: it is empty (0 bytes of data).")
            elif known and known["sha256"] == digest:
                log.info(f"{spec.name}: file {path} skipped: touched, its content is unchanged.")
            elif digest in loaded_content:
                log.info(f"{spec.name}: file {path} skipped: same content as {loaded_content[digest]}.")
            else:
                items, held_back = _read_file(item, data, spec, encoding)
                yield from items
                if held_back:
                    continue  # not in the manifest: the file is read again once it is fixed
            manifest[path] = {**_fingerprint(item), "sha256": digest}
            loaded_content[digest] = path
        if not manifest:
            # No file yet (a company that exports no Task): the table exists, empty.
            yield empty_typed_table(spec)

    return export_table


@dlt.source(name="crm_exports")
def crm_exports(exports_dir: str = dlt.config.value, encoding: str = "utf-8") -> Iterator[DltResource]:
    """Salesforce-shaped CRM exports under `<exports_dir>/crm/<Object>/*.csv`, in `encoding`."""
    for spec in CRM_TABLES:
        yield export_table_resource(f"{exports_dir}/crm", spec, encoding)


@dlt.source(name="finance_exports")
def finance_exports(exports_dir: str = dlt.config.value, encoding: str = "utf-8") -> Iterator[DltResource]:
    """ERP/billing exports under `<exports_dir>/finance/<table>/*.csv`, in `encoding`."""
    for spec in FINANCE_TABLES:
        yield export_table_resource(f"{exports_dir}/finance", spec, encoding)
