"""Fault injection: `orchestration.cli run` killed with SIGKILL during the dlt load, during dbt and
during publishing; the next run finishes unaided, with the same marts as a clean run, no dbt left
behind and no temp files in the serving folder. And SIGTERM cancels a run at once."""

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

from tests.conftest import SESSION_AS_OF, SESSION_SCALE

RUN = [
    sys.executable,
    "-m",
    "orchestration.cli",
    "run",
    "--scale",
    SESSION_SCALE,
    "--as-of",
    str(SESSION_AS_OF),
]
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# What BI reads, compared with the session's clean run of the same demo.
PUBLISHED_FIGURES = {
    "marts": "select count(*), sum(amount_reporting), count(*) filter (where is_won) from fct_opportunities",
    "compensation": "select count(*), sum(payout_amount), sum(earned_amount) from fct_commission_statements",
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


def dbt_builds() -> list[int]:
    return [pid for pid, (_, command) in processes().items() if "dbt" in command and " build" in command]


def start_run(data_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "SALESOPS_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(data_dir / "dagster_home")}
    env.pop("SALESOPS_WAREHOUSE_PATH", None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return subprocess.Popen(
        RUN, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def kill_when(run: subprocess.Popen, ready: Callable[[], bool], what: str, timeout: float = 400) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert run.poll() is None, f"the run ended before {what}: {run.stderr.read()[-3000:]}"
        assert time.monotonic() < deadline, f"{what} never came"
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)
    run.wait()


def published(data_dir: Path) -> dict[str, tuple]:
    figures = {}
    for store, sql in PUBLISHED_FIGURES.items():
        with duckdb.connect(str(data_dir / "serving" / f"{store}.duckdb"), read_only=True) as con:
            figures[store] = con.execute(sql).fetchone()
    return figures


def test_a_run_killed_anywhere_is_recovered_by_the_next_one(demo_warehouse: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    # 1. During the dlt load: the first raw table is being written.
    run = start_run(data_dir)
    kill_when(run, lambda: any((data_dir / "dlt").glob("*/load/*")), "the dlt load")
    # 2. During dbt: `dbt build` is running (after the abandoned run was swept).
    run = start_run(data_dir)
    kill_when(run, lambda: bool(dbt_builds()), "dbt build")
    deadline = time.monotonic() + 10
    while dbt_builds() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert dbt_builds() == [], "dbt outlived the run that started it"
    # 3. During publishing: the staged serving file is being written.
    run = start_run(data_dir)
    kill_when(run, lambda: any((data_dir / "serving").glob(".*.tmp*")), "publishing")
    # 4. The next run finishes unaided.
    run = start_run(data_dir)
    _, errors = run.communicate(timeout=600)
    assert run.returncode == 0, errors[-3000:]
    assert errors.count("had been killed: marked failed") >= 1
    assert list((data_dir / "serving").glob(".*")) == []
    assert published(data_dir) == published(demo_warehouse)
    with dg.DagsterInstance.from_config(str(data_dir / "dagster_home")) as instance:
        statuses = [run.status for run in instance.get_runs()]
    assert statuses[0] == dg.DagsterRunStatus.SUCCESS
    assert dg.DagsterRunStatus.STARTED not in statuses


def test_sigterm_cancels_a_run_at_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    run = start_run(data_dir)
    home = data_dir / "dagster_home"
    deadline = time.monotonic() + 120
    while not any((data_dir / "dlt").glob("*")):
        assert run.poll() is None and time.monotonic() < deadline, run.stderr.read()[-3000:]
        time.sleep(0.05)
    run.send_signal(signal.SIGTERM)
    try:
        run.wait(timeout=5)
    except subprocess.TimeoutExpired:
        run.kill()
        pytest.fail("SIGTERM did not stop the run within 5 s")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        (canceled,) = instance.get_runs()
        assert canceled.status == dg.DagsterRunStatus.CANCELED
