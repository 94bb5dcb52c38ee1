"""A Zoho data backup of a fake Zoho organisation, in the layout Zoho's Data Backup downloads: one
or more `<Module>_NNN.csv` per module under `Data/`, headers that are field labels, lookups as
`<Label>` (the name) and `<Label>.id`, record ids prefixed `zcrm_` in lookups, times in the
organisation's zone without an offset, and columns the warehouse does not ask for."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ingestion.demo_company import settings
from ingestion.zoho.objects import MODULES
from tests.fake_apis.zoho import FakeZoho

OWNER_LABELS = {
    "Deals": "Deal Owner", "Accounts": "Account Owner", "Contacts": "Contact Owner",
    "Leads": "Lead Owner", "Campaigns": "Campaign Owner", "Calls": "Call Owner", "Tasks": "Task Owner",
    "Events": "Event Owner",
}  # fmt: skip
LOOKUPS = {zoho_module.module: zoho_module.lookups for zoho_module in MODULES}
TIME_FIELDS = ("Created_Time", "Modified_Time", "created_time")
USER_LABELS = {
    "full_name": "Full Name", "email": "Email", "status": "Status", "role": "Role",
    "Reporting_To": "Reporting To", "created_time": "Created Time", "Modified_Time": "Modified Time",
}  # fmt: skip


def _local_time(value: str | None, zone: ZoneInfo) -> str | None:
    return datetime.fromisoformat(value).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if value else None


def _label(module: str, field: str) -> str:
    if field == "Owner":
        return OWNER_LABELS[module]
    return "Probability (%)" if field == "Probability" else field.replace("_", " ")


def _backup_row(module: str, record: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    row: dict[str, Any] = {"Record Id": record["id"]}
    for field, value in record.items():
        if field == "id":
            continue
        label = USER_LABELS.get(field, field) if module == "Users" else _label(module, field)
        if isinstance(value, dict):  # a lookup: its name and its id, prefixed as backups do
            row[label] = value.get("name", f"name of {value['id']}")
            row[f"{label}.id"] = f"zcrm_{value['id']}"
        elif field in LOOKUPS.get(module, ()):  # an empty lookup: both columns, empty
            row[label], row[f"{label}.id"] = None, None
        elif field in TIME_FIELDS:
            row[label] = _local_time(value, zone)
        elif field == "status":
            row[label] = str(value).title()
        else:
            row[label] = value
    # Fields every backup has and the warehouse does not ask for.
    return {**row, "Description": "a note", "Created By": "Admin", "Created By.id": "zcrm_1", "Tag": ""}


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    header = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)


def write_backup(
    folder: Path,
    organisation: FakeZoho | None,
    zone: str,
    changed: dict[str, dict[str, Any]] | None = None,
    left_out: tuple[str, ...] = (),
    files_per_module: int = 2,
    extra_modules: dict[str, dict[str, dict[str, Any]]] | None = None,
) -> None:
    """The organisation's backup in `folder/Data` (or only `extra_modules`: module -> id -> record),
    deals in `changed` (id -> fields) as they were then, records in `left_out` missing; each module
    split over `files_per_module` files."""
    tz = ZoneInfo(zone)
    modules = {"Users": organisation.users, **organisation.modules} if organisation else {}
    modules.update(extra_modules or {})
    for module, records in modules.items():
        rows = [
            _backup_row(module, {**record, **(changed or {}).get(record_id, {})}, tz)
            for record_id, record in sorted(records.items())
            if record_id not in left_out
        ]
        size = -(-len(rows) // files_per_module)
        for number in range(files_per_module):
            _write(
                folder / "Data" / f"{module}_{number + 1:03d}.csv", rows[number * size : (number + 1) * size]
            )
    stages = [*settings.OPEN_STAGES, settings.WON_STAGE, settings.LOST_STAGE]
    forecast_types = {settings.WON_STAGE[0]: "Closed Won", settings.LOST_STAGE[0]: "Closed Lost"}
    _write(
        folder / "Deal_Stages.csv",
        [
            {"Stage": name, "Probability (%)": probability, "Forecast Type": forecast_types.get(name, "Open"),
             "Forecast Category": category}
            for name, probability, category in stages
        ],
    )  # fmt: skip
