"""Fault injection: `orchestration.cli run` killed with SIGKILL during the dlt load and during dbt;
the next run finishes unaided and publishes what a clean run of the same demo publishes, with no
dbt and no temp file left behind. The publish step killed half-way leaves a temp file the next
publish clears. SIGTERM cancels a run at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import SESSION_AS_OF

RUN = [sys.executable, "-m", "orchestration.cli", "run"]
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# What BI reads, compared with the session's clean run of the same demo.
PUBLISHED_FIGURES = {
    "marts": "select count(*), sum(amount_reporting), count(*) filter (where is_won) "
    "from pipeline.fct_opportunities",
    "finance": "select count(*), sum(payout_amount), sum(earned_amount) "
    "from compensation.fct_commission_statements",
}


def processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) of every process, from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue
        found[int(entry.name)] = (parent, command)
    return found


def dbt_builds(data_dir: Path) -> list[int]:
    """dbt builds working for `data_dir` (other tests may run dbt at the same time)."""
    return [
        pid
        for pid, (_, command) in processes().items()
        if "dbt" in command and " build" in command and _works_for(pid, data_dir)
    ]


def _works_for(pid: int, data_dir: Path) -> bool:
    try:
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False
    return f"SALESOPS_DATA_DIR={data_dir}".encode() in environment


def session_demo(demo_warehouse: Path) -> dict[str, str]:
    """Settings that load the session's demo exports (the same demo, not generated again)."""
    return {"SALESOPS_EXPORTS_DIR": str(demo_warehouse / "demo"), "SALESOPS_AS_OF_DATE": str(SESSION_AS_OF)}


def start_run(data_dir: Path, **settings: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "SALESOPS_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(data_dir / "dagster_home"),
        **settings,
    }
    env.pop("SALESOPS_WAREHOUSE_PATH", None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return subprocess.Popen(
        RUN, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def kill_when(
    run: subprocess.Popen, ready: Callable[[], bool], what: str, timeout: float = 400, poll: float = 0.2
) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if run.poll() is not None:
            pytest.fail(f"the run ended before {what}: {run.stderr.read()[-3000:] if run.stderr else ''}")
        assert time.monotonic() < deadline, f"{what} never came"
        time.sleep(poll)
    run.send_signal(signal.SIGKILL)
    run.wait()


def run_started(data_dir: Path) -> bool:
    """The run exists in the Dagster instance and is executing."""
    home = data_dir / "dagster_home"
    if not (home / "history" / "runs.db").exists():
        return False
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return any(run.status == dg.DagsterRunStatus.STARTED for run in instance.get_runs(limit=1))


def loading(data_dir: Path) -> bool:
    """dlt is extracting, normalizing or loading a package of the run."""
    pipelines = data_dir / "dlt"
    packages = ("*/normalize/extracted/*", "*/load/new/*", "*/load/normalized/*", "*/load/loaded/*")
    return any(any(pipelines.glob(pattern)) for pattern in packages) and run_started(data_dir)


def published(data_dir: Path) -> dict[str, tuple]:
    figures = {}
    for store, sql in PUBLISHED_FIGURES.items():
        with duckdb.connect(str(data_dir / "serving" / f"{store}.duckdb"), read_only=True) as con:
            figures[store] = con.execute(sql).fetchone()
    return figures


def test_a_run_killed_anywhere_is_recovered_by_the_next_one(demo_warehouse: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    demo = session_demo(demo_warehouse)
    # 1. During the dlt load: the first raw table is being written.
    run = start_run(data_dir, **demo)
    kill_when(run, lambda: loading(data_dir), "the dlt load")
    # 2. During dbt: `dbt build` is running (after the abandoned run was swept).
    run = start_run(data_dir, **demo)
    kill_when(run, lambda: bool(dbt_builds(data_dir)), "dbt build")
    deadline = time.monotonic() + 10
    while dbt_builds(data_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert dbt_builds(data_dir) == [], "dbt outlived the run that started it"
    # 3. The next run finishes unaided, with what a clean run of the same demo publishes.
    serving = data_dir / "serving"
    run = start_run(data_dir, **demo)
    _, errors = run.communicate(timeout=600)
    assert run.returncode == 0, errors[-3000:]
    assert "had been killed: marked failed" in errors
    assert published(data_dir) == published(demo_warehouse)
    assert list(serving.glob(".*")) == []
    with dg.DagsterInstance.from_config(str(data_dir / "dagster_home")) as instance:
        statuses = [run.status for run in instance.get_runs()]
    assert statuses == [dg.DagsterRunStatus.SUCCESS] + [dg.DagsterRunStatus.FAILURE] * 2
    # 4. Publishing killed while its staged file is certainly half-written: the next publish
    # clears it and swaps in a whole file. (The publish step alone: a whole run killed there
    # costs one more full run, and is swept as the two above are.)
    publisher = subprocess.Popen([sys.executable, "-c", PUBLISH.format(data_dir=data_dir)], cwd=PROJECT_ROOT)
    kill_when(publisher, lambda: any(serving.glob(".*.tmp*")), "publishing")
    assert any(serving.glob(".*.tmp*"))
    subprocess.run([sys.executable, "-c", PUBLISH.format(data_dir=data_dir)], cwd=PROJECT_ROOT, check=True)
    assert list(serving.glob(".*")) == []
    assert published(data_dir) == published(demo_warehouse)


# What the publish step runs, for the compensation and pipeline stores in turn.
PUBLISH = """
from datetime import UTC, datetime
from pathlib import Path
from orchestration.serving.duckdb_publish import publish_duckdb
from orchestration.serving.stores import STORES
data = Path("{data_dir}")
for store in STORES:
    publish_duckdb(data / "warehouse.duckdb", data / "serving", store, "r", datetime.now(UTC))
"""


def test_sigterm_cancels_a_run_at_once(demo_warehouse: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    run = start_run(data_dir, **session_demo(demo_warehouse))
    home = data_dir / "dagster_home"
    deadline = time.monotonic() + 300
    while not loading(data_dir):
        assert run.poll() is None and time.monotonic() < deadline, run.stderr.read()[-3000:]
        time.sleep(0.1)
    run.send_signal(signal.SIGTERM)
    try:
        run.wait(timeout=5)
    except subprocess.TimeoutExpired:
        run.kill()
        pytest.fail("SIGTERM did not stop the run within 5 s")
    assert run.returncode == 128 + signal.SIGTERM
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (canceled,) = instance.get_runs()
        assert canceled.status == dg.DagsterRunStatus.CANCELED
        pool = instance.event_log_storage.get_concurrency_info("warehouse")
        assert pool.active_run_ids == set() and pool.pending_run_ids == set()
