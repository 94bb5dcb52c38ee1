"""Where each dbt invocation of the runs keeps its artifacts and its log, and how many are kept.

dagster-dbt gives every invocation a folder of its own (manifest, compiled SQL, run results:
9-11 MB at scale 10) and points dbt's log at it by a relative path, which dbt resolves from the
folder it starts in: the warehouse's (about 20 MB a build at debug level, dbt's default; the
project logs warnings and errors). Nothing deleted either, so a daily build and the hourly
freshness check filled the disk by gigabytes a year.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

RUNS_FOLDER = "runs"
# dagster-dbt's names: `<op>-<run id[:7]>-<uuid[:7]>`, or `<uuid[:7]>` outside a run's step.
INVOCATION_NAME = re.compile(r"^(?:(?P<kind>.+)-[0-9a-f]{7}-)?[0-9a-f]{7}$")
# A folder written to this recently may belong to a dbt still running: never pruned.
IN_USE_SECONDS = 3600.0


def runs_dir(project_dir: Path) -> Path:
    return Path(project_dir).resolve() / "target" / RUNS_FOLDER


def prune_invocations(folder: Path, keep: int, now: float | None = None) -> list[Path]:
    """Deletes invocation folders of `folder` beyond the `keep` newest of each kind (the op that
    ran dbt: the build and the freshness check are counted apart), but none written to in the last
    hour. Returns what it deleted."""
    now = time.time() if now is None else now
    kinds: dict[str, list[tuple[float, Path]]] = {}
    for path in folder.iterdir() if folder.is_dir() else ():
        match = INVOCATION_NAME.match(path.name)
        if path.is_dir() and match and _holds_dbt_output(path):
            kinds.setdefault(match["kind"] or "", []).append((_last_written(path), path))
    deleted = []
    for invocations in kinds.values():
        invocations.sort(reverse=True)
        for written, path in invocations[keep:]:
            if now - written > IN_USE_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
                deleted.append(path)
    return deleted


def _holds_dbt_output(path: Path) -> bool:
    return any((path / name).exists() for name in ("dbt.log", "run_results.json", "manifest.json"))


def _last_written(path: Path) -> float:
    """The newest modification time of the folder and the files directly in it (dbt's log grows
    while dbt runs)."""
    times = [path.stat().st_mtime]
    times += [child.stat().st_mtime for child in path.iterdir() if child.is_file()]
    return max(times)
