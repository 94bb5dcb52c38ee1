"""Runs started by the command line survive nothing but themselves: a run whose process was
killed (SIGKILL, a power cut) is marked failed and its pool slot freed when the next run starts,
and SIGINT/SIGTERM cancel the running run within a second and free its slot.

Dagster's run monitoring does this for runs a daemon launched; a run executed in-process by the
command line has no daemon watching it, so the command line tags each run with its process and
host, and sweeps the abandoned ones itself, with the instance's own calls.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from types import FrameType
from typing import Any

import dagster as dg
from dagster._core.definitions.repository_definition.valid_definitions import SINGLETON_REPOSITORY_NAME
from dagster._core.storage.tags import REPOSITORY_LABEL_TAG

from orchestration import settings

PID_TAG = "salesops/pid"
HOST_TAG = "salesops/host"
TARGET_TAG = "salesops/target"
# The code location `make ui` and `dagster dev` load (-m orchestration.definitions): a run tagged
# with it is listed under its job there (Jobs -> full_run, the Overview timeline), like a run the
# UI launched, not only on the Runs page.
CODE_LOCATION_TAGS = {REPOSITORY_LABEL_TAG: f"{SINGLETON_REPOSITORY_NAME}@orchestration.definitions"}
UNFINISHED = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def process_tags() -> dict[str, str]:
    """Tags that say which process on which host executes a run."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_abandoned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed every unfinished run of this host whose process is gone, freeing its slots."""
    recovered = []
    for run in instance.get_runs(dg.RunsFilter(statuses=UNFINISHED)):
        pid = run.tags.get(PID_TAG)
        if pid is None or run.tags.get(HOST_TAG) != socket.gethostname() or _is_alive(int(pid)):
            continue
        instance.report_run_failed(run, f"Its process ({pid}) is gone: the run was killed. Marked failed.")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        recovered.append(run.run_id)
    return recovered


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@contextmanager
def cancel_on_signals(
    instance: dg.DagsterInstance, run_id: str, notify: Callable[[str], None] = _to_stderr
) -> Iterator[None]:
    """SIGINT/SIGTERM: mark the run canceled, free its slots and exit at once (Dagster defers
    interrupts while a step waits for a pool slot; dbt, started with a parent-death signal, stops
    with this process)."""

    def cancel(signum: int, frame: FrameType | None) -> None:
        run = instance.get_run_by_id(run_id)
        if run is not None and run.status in UNFINISHED:
            instance.report_run_canceled(run, f"Canceled by {signal.Signals(signum).name}.")
            instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        notify(f"Run {run_id} canceled ({signal.Signals(signum).name}).")
        os._exit(128 + signum)

    previous = {sig: signal.signal(sig, cancel) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def execute_job(
    instance: dg.DagsterInstance,
    job: dg.JobDefinition,
    on_tick: Callable[[str], None] | None = None,
    notify: Callable[[str], None] = _to_stderr,
    **kwargs: Any,
) -> dg.ExecuteInProcessResult:
    """Sweep abandoned runs, then execute `job` in-process, tagged with this process, cancelable.

    The job runs in a worker thread: Dagster then leaves the signal handlers alone, and the main
    thread answers SIGINT/SIGTERM at once, even while a step waits for the warehouse pool. The
    main thread calls `on_tick(run_id)` twice a second meanwhile (to show progress). What a
    person must read (a killed run recovered, a cancel) goes to `notify`.
    """
    for run_id in recover_abandoned_runs(instance):
        notify(f"Run {run_id} had been killed: marked failed, its warehouse slot freed.")
    run_id = str(uuid.uuid4())
    # The engine the run built (duckdb or postgres): one instance may hold runs of both.
    target = {TARGET_TAG: settings.warehouse_target()}
    tags = {**CODE_LOCATION_TAGS, **target, **kwargs.pop("tags", {}), **process_tags()}
    with cancel_on_signals(instance, run_id, notify), ThreadPoolExecutor(1) as worker:
        future = worker.submit(
            job.execute_in_process,
            instance=instance,
            run_id=run_id,
            tags=tags,
            raise_on_error=False,
            **kwargs,
        )
        while True:
            try:
                return future.result(timeout=0.5)
            except FutureTimeout:
                if on_tick is not None:
                    on_tick(run_id)
