"""Zoho CRM's own data backup (Setup > Data Administration > Data Backup) as files: the same raw
tables as the Zoho API source, for companies that export rather than open the API.

A backup's `Data` folder holds one or more CSV files per module (`Deals_001.csv`, `Deals_002.csv`,
…) whose headers are field labels (`Deal Name`, `Closing Date`), lookups as `<Label>.id`, ids
sometimes prefixed `zcrm_`, and times in the organisation's time zone without an offset. Put the
newest backup's files under `<exports>/zoho/` (replacing the previous ones) with `Deal_Stages.csv`
beside them; each run loads a module again when any of its files changed.

What a backup does not carry, and how the warehouse makes up for it:
- the Stage picklist's probabilities and forecast categories: `Deal_Stages.csv`, copied once from
  Setup > Customization > Pipelines (columns Stage, Probability (%), Forecast Type, Forecast
  Category);
- deletions: a backup is complete, so a record missing from the newest backup was deleted. Every
  row read from a backup is stamped `_backup_seen_at` (the run's time); staging flags the records
  whose newest version was not in the module's newest backup;
- stage history and owner changes: raw keeps every version each backup brought, and staging reads
  a deal's moves from its versions. Moves between two backups collapse into one, dated by the
  deal's Modified Time; moves before the first backup are not known;
- lead status changes: none (a lead's funnel stages are then those of its current status);
- deals' contact roles and campaigns' members: none (their related lists are not in a backup), so a
  backup build has no campaign attribution.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.extract.resource import DltResource
from dlt.sources.filesystem import filesystem

from ingestion.contracts import (
    TIMESTAMP,
    TableContract,
    contracted_items,
    empty_typed_table,
    rejected_file_item,
)
from ingestion.dbt_vars import pass_through_fields
from ingestion.export_files.reader import UnreadableFile, read_text_table
from ingestion.zoho import CAMPAIGN_MEMBERS_SCHEMA, CONTACT_ROLES_SCHEMA, USER_FIELDS
from ingestion.zoho.objects import MODULES, STAGE_HISTORY_FIELDS, USERS

log = logging.getLogger("salesops.ingestion")

BACKUP_SEEN = "_backup_seen_at"
STAGES_FILE = "Deal_Stages.csv"
STAGES_HINT = (
    f"Zoho's data backup does not carry the Stage picklist: write {STAGES_FILE} beside the backup's "
    "files, one line per stage, with the columns Stage, Probability (%), Forecast Type (Open, Closed "
    "Won or Closed Lost) and Forecast Category, as Setup > Customization > Pipelines shows them"
)
# Raw tables the API fills and a backup cannot: created empty so the same staging models run.
API_ONLY_TABLES = {
    "deal_stage_history": ("deal_id", "id", *(f.lower() for f in STAGE_HISTORY_FIELDS)),
    "deal_owner_changes": ("deal_id", "changed_at", "old_owner_id", "new_owner_id"),
    "lead_status_changes": ("lead_id", "changed_at", "old_status", "new_status"),
    "deleted_records": ("module", "id", "deletion_type", "deleted_time"),
    "deal_contact_roles": tuple(CONTACT_ROLES_SCHEMA.names),
    "campaign_members": tuple(CAMPAIGN_MEMBERS_SCHEMA.names),
}


def api_name(label: str, labels: set[str]) -> str | None:
    """The API name a backup column stands for, or None for a lookup's display name.

    Zoho derives API names from labels (spaces to underscores); a lookup comes as `<Label>` (the
    record's name) and `<Label>.id`, which is what the API's `<Label>_id` holds.
    """
    if f"{label}.id" in labels:
        return None
    name = re.sub(r"\s*\(%\)$", "", label).replace(".id", "_id").replace(" ", "_")
    if name == "Record_Id":
        return "id"
    return re.sub(r"^\w+_Owner_id$", "Owner_id", name)


def _times_with_offset(column: pa.ChunkedArray, time_zone: str) -> pa.ChunkedArray:
    """`yyyy-MM-dd HH:mm:ss` in the organisation's zone as ISO text with the offset; a value that is
    not such a time stays as it came, so the contract rejects its row and names it."""
    parsed = pc.strptime(column, format="%Y-%m-%d %H:%M:%S", unit="us", error_is_null=True)
    zoned = pc.assume_timezone(parsed, time_zone, ambiguous="earliest", nonexistent="earliest")
    return pc.if_else(pc.is_null(parsed), column, zoned.cast(pa.string()))


def in_api_names(
    text: pa.Table, spec: TableContract, wanted: tuple[str, ...], time_zone: str, seen_at: str
) -> pa.Table:
    """A backup file's text table with the API source's columns: the wanted fields only (so no
    personal field the warehouse does not ask for lands), ids without `zcrm_`, times with offsets."""
    by_name = {name.lower(): name for name in wanted}
    labels = set(text.column_names)
    columns: dict[str, pa.ChunkedArray] = {}
    for label in text.column_names:
        name = by_name.get((api_name(label, labels) or "").lower())
        if name is None or name in columns:
            continue
        column = text[label]
        if name == "id" or name.endswith("_id"):
            column = pc.replace_substring_regex(column, "^zcrm_", "")
        if spec.types.get(name) == TIMESTAMP:
            column = _times_with_offset(column, time_zone)
        columns[name] = column
    # A field the file lacks (never filled in, hidden from the backup) is empty, not missing: the
    # models read every field they ask for.
    for name in wanted:
        if name not in columns and name != "Owner":
            columns[name] = pa.chunked_array([pa.nulls(text.num_rows, pa.string())])
    columns[BACKUP_SEEN] = pa.chunked_array([pa.array([seen_at] * text.num_rows, pa.string())])
    return pa.table(columns)


def _module_files(folder: str, module: str) -> list[Any]:
    pattern = re.compile(rf"^{re.escape(module)}_\d+\.csv$")
    found = [
        item
        for item in filesystem(bucket_url=folder, file_glob="**/*.csv")
        if pattern.match(item["file_name"])
    ]
    return sorted(found, key=lambda item: item["relative_path"])


def backup_module_resource(
    folder: str, module: str, spec: TableContract, wanted: tuple[str, ...], time_zone: str, encoding: str
) -> DltResource:
    """One module's files, loaded together: a backup is read whole or not at all, since a record
    missing from it counts as deleted."""

    @dlt.resource(**spec.resource_hints())
    def records() -> Iterator[Any]:
        state = dlt.current.resource_state()
        files = _module_files(folder, module)
        fingerprint = {
            item["relative_path"]: [item["size_in_bytes"], item["modification_date"].isoformat()]
            for item in files
        }
        if not files:
            log.warning(f"Zoho backup: no {module}_NNN.csv under {folder}; {spec.name} stays as it is.")
            yield empty_typed_table(spec, [c for c in wanted if c != "Owner"])
            return
        if state.get("files") == fingerprint:
            log.info(f"Zoho backup: {module} unchanged since it was loaded.")
            return
        seen_at = datetime.now(UTC).isoformat()
        tables: list[tuple[str, pa.Table]] = []
        for item in files:
            path = item["relative_path"]
            with item.open(mode="rb") as handle:
                try:
                    text = read_text_table(io.BytesIO(handle.read()), item["file_name"], encoding)
                except UnreadableFile as error:
                    # Loading the other files alone would flag this file's records as deleted.
                    log.error(
                        f"Zoho backup: {path} held back, {error}; no {module} file loads until it is fixed."
                    )
                    yield empty_typed_table(spec, [c for c in wanted if c != "Owner"])  # as it stood
                    yield rejected_file_item(spec, path, error.line, str(error))
                    return
            tables.append((path, in_api_names(text, spec, wanted, time_zone, seen_at)))
        for path, table in tables:
            log.info(f"Zoho backup: {path} loaded ({table.num_rows} rows).")
            yield from contracted_items(table, spec, path)
        state["files"] = fingerprint

    return records


def deal_stages_resource(folder: str, encoding: str) -> DltResource:
    """The Stage picklist, from `Deal_Stages.csv`, as the API source's `deal_stages`."""

    @dlt.resource(name="deal_stages", write_disposition="replace", primary_key=["stage"])
    def deal_stages() -> Iterator[pa.Table]:
        found = [
            item
            for item in filesystem(bucket_url=folder, file_glob="**/*.csv")
            if item["file_name"] == STAGES_FILE
        ]
        if not found:
            raise FileNotFoundError(f"Zoho backup: {STAGES_FILE} is missing under {folder}. {STAGES_HINT}.")
        with found[0].open(mode="rb") as handle:
            text = read_text_table(io.BytesIO(handle.read()), STAGES_FILE, encoding)
        columns = {"Stage": "stage", "Probability (%)": "probability", "Forecast Type": "forecast_type"}
        missing = [label for label in (*columns, "Forecast Category") if label not in text.column_names]
        if missing:
            raise ValueError(
                f"Zoho backup: {STAGES_FILE} lacks the column(s) {', '.join(missing)}. {STAGES_HINT}."
            )
        yield pa.table(
            {
                **{name: text[label] for label, name in columns.items()},
                "display_value": text["Stage"],
                "sequence_number": pa.array(range(1, text.num_rows + 1), pa.int64()),
                "forecast_category": text["Forecast Category"],
            }
        )

    return deal_stages


def api_only_resource(name: str, columns: tuple[str, ...]) -> DltResource:
    @dlt.resource(name=name, write_disposition="append")
    def empty() -> Iterator[pa.Table]:
        yield pa.table({column: pa.array([], pa.string()) for column in columns})

    return empty


# Section "zoho": its settings sit under [sources.zoho], beside the API's.
@dlt.source(name="zoho", section="zoho")
def zoho_backup(
    exports_dir: str = dlt.config.value,
    time_zone: str = "UTC",
    encoding: str = "utf-8",
    extra_fields: dict[str, tuple[str, ...]] | None = None,
) -> Iterator[DltResource]:
    """The newest Zoho data backup under `<exports_dir>/zoho/`, its times in `time_zone` (the
    organisation's, as Setup > Company Details shows it). `extra_fields` (module -> API names)
    defaults to the fields the dbt var `crm_pass_through_fields` carries through to the marts."""
    folder = f"{exports_dir}/zoho"
    extra = pass_through_fields("zoho") if extra_fields is None else extra_fields
    yield backup_module_resource(folder, "Users", USERS, (*USERS.columns, *USER_FIELDS), time_zone, encoding)
    yield deal_stages_resource(folder, encoding)
    for zoho_module in MODULES:
        spec = zoho_module.contract
        fields = (f"{f}_id" if f in zoho_module.lookups and f != "Owner" else f for f in zoho_module.fields)
        wanted = (*spec.columns, *fields, *extra.get(zoho_module.module, ()))
        yield backup_module_resource(folder, zoho_module.module, spec, wanted, time_zone, encoding)
    for name, columns in API_ONLY_TABLES.items():
        yield api_only_resource(name, columns)
