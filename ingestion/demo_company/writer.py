"""Streams rows into month-partitioned CSV files and publishes them without touching unchanged files.

Rows are buffered per file and appended in batches, so memory stays flat at any scale. Files are
written into a staging folder and then moved into place only where their bytes changed: unchanged
files keep their modification time, so incremental loaders skip them.
"""

from __future__ import annotations

import csv
import filecmp
import os
import shutil
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

FLUSH_ROWS = 200_000


def format_value(value: Any) -> str:
    """Render a value the way Salesforce Data Loader writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def cents(amount_cents: int) -> str:
    """Format integer cents as a decimal string with two places (exact, no float)."""
    sign = "-" if amount_cents < 0 else ""
    whole, rest = divmod(abs(amount_cents), 100)
    return f"{sign}{whole}.{rest:02d}"


class PartitionedCsvWriter:
    """Writes `<table>/<YYYY-MM>.csv` files, keeping only rows stamped on or before `as_of`."""

    def __init__(self, staging_dir: Path, as_of: date, headers: Mapping[str, list[str]]) -> None:
        self.staging_dir = staging_dir
        self.as_of = as_of
        self.headers = headers
        self._buffers: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
        self._buffered = 0
        self.row_counts: dict[str, int] = defaultdict(int)

    def add(self, table: str, row: Mapping[str, Any], stamp: date, duplicate: bool = False) -> None:
        """Add one row to the file of the month of `stamp`; `duplicate` also repeats it next month."""
        day = stamp.date() if isinstance(stamp, datetime) else stamp
        if day > self.as_of:
            return
        values = [format_value(row.get(column)) for column in self.headers[table]]
        self._buffer(table, f"{day:%Y-%m}", values)
        if duplicate:
            next_month = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            if next_month <= self.as_of:
                self._buffer(table, f"{next_month:%Y-%m}", values)

    def add_versions(
        self, table: str, versions: list[tuple[datetime, Mapping[str, Any]]], duplicate: bool = False
    ) -> None:
        """Write the last version of each day, as daily incremental extracts appended monthly would.

        A day's last version never changes once the day is over, so any as-of date on or after
        that day writes the same row.
        """
        last_of_day: dict[date, tuple[datetime, Mapping[str, Any]]] = {}
        for at, row in versions:
            if at.date() <= self.as_of:
                last_of_day[at.date()] = (at, row)
        for at, row in last_of_day.values():
            self.add(table, row, at, duplicate=duplicate)

    def _buffer(self, table: str, month: str, values: list[str]) -> None:
        self._buffers[(table, month)].append(values)
        self.row_counts[table] += 1
        self._buffered += 1
        if self._buffered >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for (table, month), rows in self._buffers.items():
            path = self.staging_dir / table / f"{month}.csv"
            is_new = not path.exists()
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                if is_new:
                    writer.writerow(self.headers[table])
                writer.writerows(rows)
        self._buffers.clear()
        self._buffered = 0


def write_csv(path: Path, header: list[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """Write a small whole-file CSV (plans) and return its row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([format_value(row.get(column)) for column in header])
            count += 1
    return count


def publish(staging_dir: Path, target_dir: Path) -> dict[str, int]:
    """Move changed files from `staging_dir` into `target_dir`; drop files no longer produced.

    Returns how many files were added, changed, unchanged and removed.
    """
    summary = {"added": 0, "changed": 0, "unchanged": 0, "removed": 0}
    produced = {p.relative_to(staging_dir) for p in staging_dir.rglob("*") if p.is_file()}
    for relative in sorted(produced):
        source, target = staging_dir / relative, target_dir / relative
        if target.exists() and filecmp.cmp(source, target, shallow=False):
            summary["unchanged"] += 1
            continue
        summary["changed" if target.exists() else "added"] += 1
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    if target_dir.exists():
        for existing in sorted(p for p in target_dir.rglob("*") if p.is_file()):
            if existing.relative_to(target_dir) not in produced:
                existing.unlink()
                summary["removed"] += 1
    shutil.rmtree(staging_dir, ignore_errors=True)
    return summary
