"""What `run` shows while the job runs: a progress bar over the run's steps and, as each phase
ends, one line saying what it did and how long it took; everything else (Dagster's events,
dbt's and dlt's output) goes to a log file. `run --verbose` shows it all instead.

The phases are read from the run's own event log, as the UI reads them.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import dagster as dg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

STEP_ENDS = {
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.STEP_SKIPPED,
}
WATCHED = {
    dg.DagsterEventType.STEP_START,
    *STEP_ENDS,
    dg.DagsterEventType.ASSET_MATERIALIZATION,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION,
}
PHASES = ("load", "raw checks", "dbt", "mart checks", "freshness", "publish")


def phase_of(step_key: str) -> str:
    if step_key == "warehouse_dbt_assets":
        return "dbt"
    if step_key.endswith("_suite"):
        return "raw checks" if step_key.startswith("raw_") else "mart checks"
    if step_key == "dbt_source_freshness":
        return "raw checks"  # checks on the raw tables too, not a load
    if step_key.startswith("freshness_check"):
        return "freshness"
    if step_key.startswith("serving__"):
        return "publish"
    return "load"


@dataclass
class Phase:
    name: str
    steps: set[str]
    # The time of the phase's own steps: phases interleave (the freshness checks run after dbt
    # and after publishing), so the span from its first start to its last end would count others'.
    seconds: float = 0.0
    step_started: dict[str, float] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    failed: int = 0
    materialized: int = 0
    reused_outputs: int = 0  # dbt models found unchanged, or publications left as they were
    checks: int = 0
    checks_reused: int = 0
    blocking_failures: int = 0
    warnings: int = 0
    rejected_rows: int = 0

    def line(self) -> str:
        return f"{self.name:12s} {self._what()} ({self.seconds:.0f} s)"

    def _what(self) -> str:
        outcome = f"; {self.failed} step(s) FAILED" if self.failed else ""
        checked = (
            f"{self.checks} checks, {self.checks_reused} reused, {self.blocking_failures} blocking "
            f"failure(s), {self.warnings} warning(s)"
        )
        if self.name == "load":
            rejected = f", {self.rejected_rows:,} rejected row(s) kept" if self.rejected_rows else ""
            return f"{self.materialized} raw tables from {len(self.steps)} sources{rejected}{outcome}"
        if self.name == "dbt":
            built = self.materialized - self.reused_outputs
            if built == 0 and self.materialized:
                return (
                    f"{self.materialized} models unchanged since the last build, {self.checks} tests{outcome}"
                )
            return f"{built} models built, {self.checks} tests, {self.blocking_failures} failing{outcome}"
        if self.name == "freshness":
            stale = self.warnings + self.blocking_failures
            return f"{self.checks} assets against their SLA, {stale} stale{outcome}"
        if self.name == "publish":
            kept = f", {self.reused_outputs} unchanged" if self.reused_outputs else ""
            return f"{self.materialized} serving store(s){kept}{outcome}"
        return checked + outcome


class RunProgress:
    """Follows one run's event log; call `poll` often, `finish` once the run ended."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.bar.add_task("starting", total=None)
        self.phases: dict[str, Phase] = {}
        self.cursor: str | None = None
        self.run_id: str | None = None

    def poll(self, instance: dg.DagsterInstance, run_id: str) -> None:
        if self.run_id is None:
            run = instance.get_run_by_id(run_id)
            if run is None or run.execution_plan_snapshot_id is None:
                return
            plan = instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
            for step in plan.step_keys_to_execute:
                self.phases.setdefault(phase_of(step), Phase(phase_of(step), set())).steps.add(step)
            self.run_id = run_id
            self.bar.start()
            self.bar.update(self.task, total=len(plan.step_keys_to_execute), description="running")
        connection = instance.get_records_for_run(run_id, cursor=self.cursor, of_type=WATCHED)
        self.cursor = connection.cursor
        for record in connection.records:
            self._take(record.event_log_entry)

    def _take(self, entry: Any) -> None:
        event, step = entry.dagster_event, entry.step_key
        if event is None or step is None:
            return
        phase = self.phases.setdefault(phase_of(step), Phase(phase_of(step), {step}))
        kind = event.event_type
        if kind == dg.DagsterEventType.STEP_START:
            phase.step_started[step] = entry.timestamp
            self.bar.update(self.task, description=f"{phase.name}: {step}")
        elif kind in STEP_ENDS:
            phase.done.add(step)
            phase.failed += kind == dg.DagsterEventType.STEP_FAILURE
            phase.seconds += entry.timestamp - phase.step_started.pop(step, entry.timestamp)
            self.bar.advance(self.task)
            if phase.done >= phase.steps:
                self.bar.console.print(phase.line())
        elif kind == dg.DagsterEventType.ASSET_MATERIALIZATION:
            metadata = event.event_specific_data.materialization.metadata
            phase.materialized += 1
            phase.reused_outputs += "dbt" in metadata or "unchanged" in metadata
            rejected = metadata.get("rejected_rows")
            phase.rejected_rows += int(rejected.value) if rejected is not None else 0
        elif kind == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            phase.checks += 1
            phase.checks_reused += "reused_from_run" in evaluation.metadata
            if not evaluation.passed:
                if evaluation.severity == dg.AssetCheckSeverity.ERROR:
                    phase.blocking_failures += 1
                else:
                    phase.warnings += 1

    def finish(self) -> None:
        self.bar.stop()


def run_warnings(instance: dg.DagsterInstance, run_id: str, limit: int = 10) -> list[str]:
    """The run's warnings and failed warning checks, for the closing summary."""
    lines: list[str] = []
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is not None and event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN:
                key = f"{evaluation.asset_key.to_user_string()} / {evaluation.check_name}"
                lines.append(f"{key}: {evaluation.description or 'failed'}")
        elif event is None and entry.level >= logging.WARNING:
            lines.append(entry.user_message.splitlines()[0])
    unique = list(dict.fromkeys(lines))
    return unique[:limit] + (
        [f"... and {len(unique) - limit} more (see the log)"] if len(unique) > limit else []
    )


def prune_run_logs(folder: Path, keep: int) -> list[Path]:
    """Deletes the command's run logs (`run_<time>.log`, named so they sort by time) beyond the
    `keep` newest."""
    logs = sorted(folder.glob("run_*.log"), reverse=True)
    for old in logs[keep:]:
        old.unlink(missing_ok=True)
    return logs[keep:]


@contextmanager
def output_to(log_path: Path) -> Iterator[tuple[IO[str], IO[str]]]:
    """Send this process's stdout and stderr (and so its children's: dbt) to `log_path`; yield
    streams to the terminal's stdout and stderr for the lines meant for a person."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(1), "w", buffering=1), os.fdopen(os.dup(2), "w", buffering=1)
    with log_path.open("a") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield terminal
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for descriptor in saved:
                os.close(descriptor)
            for stream in terminal:
                stream.close()
