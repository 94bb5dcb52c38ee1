"""The project's SQLite Dagster instance (dagster.yaml's instance class): its event log keeps each
run file's connection open between events, and what a run writes is still read back in order,
by another instance too, and wakes Dagster's own watcher of the run (the UI's live event log)."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log import SqliteEventLogStorage

from orchestration import settings
from orchestration.dagster_instance import ProjectDagsterInstance, ReusedEngineSqliteEventLogStorage


@dg.op
def one() -> int:
    return 1


@dg.job
def small_job() -> None:
    one()


def _message(run_id: str, text: str) -> EventLogEntry:
    return EventLogEntry(
        error_info=None,
        level="INFO",
        user_message=text,
        run_id=run_id,
        timestamp=time.time(),
        step_key=None,
        job_name="small_job",
        dagster_event=None,
    )


def test_the_projects_instance_stores_a_runs_events_with_kept_connections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(settings.PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    # Its files go where Dagster's default puts them in the instance's own home, whatever
    # DAGSTER_HOME says (here: nothing).
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance, ProjectDagsterInstance)
        assert isinstance(instance.event_log_storage, ReusedEngineSqliteEventLogStorage)
        result = small_job.execute_in_process(instance=instance)
        assert result.success
        # Dagster's default place: one file per run beside the index.
        assert (home / "history" / "runs" / f"{result.run_id}.db").exists()
        written = [record.event_log_entry.dagster_event_type for record in _records(instance, result.run_id)]
    # Another instance (as another process opens it) reads the same events, in the same order.
    with dg.DagsterInstance.from_config(str(home)) as reader:
        read = [record.event_log_entry.dagster_event_type for record in _records(reader, result.run_id)]
    assert read == written
    assert dg.DagsterEventType.RUN_SUCCESS in read and dg.DagsterEventType.STEP_OUTPUT in read


def _records(instance: dg.DagsterInstance, run_id: str) -> list[dg.EventLogRecord]:
    return list(instance.get_records_for_run(run_id, limit=1000).records)


def test_dagsters_watcher_wakes_on_events_written_through_a_kept_connection(tmp_path: Path) -> None:
    """The writer's connection stays open, and SQLite would keep its events in the write-ahead log
    until a checkpoint; Dagster's watcher wakes on changes of the run's file itself."""
    writer = ReusedEngineSqliteEventLogStorage(str(tmp_path))
    watcher = SqliteEventLogStorage(str(tmp_path))
    run_id = "0123456789abcdef0123456789abcdef"
    writer.store_event(_message(run_id, "first"))  # the run's file exists before it is watched
    seen: list[str] = []
    woke = threading.Event()

    def on_event(entry: EventLogEntry, cursor: str) -> None:
        seen.append(entry.user_message)
        if entry.user_message == "second":
            woke.set()

    watcher.watch(run_id, None, on_event)
    try:
        time.sleep(0.5)  # the observer's thread starts watching
        writer.store_event(_message(run_id, "second"))
        assert woke.wait(timeout=20), f"the watcher saw {seen} and not the second event"
        assert (tmp_path / f"{run_id}.db-wal").exists()  # the writer's connection is still open
    finally:
        watcher.end_watch(run_id, on_event)
        watcher.dispose()
        writer.dispose()
    assert seen[-1] == "second"
