"""What runs leave on disk is bounded: dbt invocation folders (artifacts and dbt's debug log) are
pruned to the newest of each kind, the command's run logs to the newest, and scratch folders of
killed processes go."""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.defs.transform.invocations import prune_invocations

NOW = 2_000_000_000.0
HOUR = 3600.0


def invocation(folder: Path, name: str, hours_ago: float) -> Path:
    path = folder / name
    path.mkdir(parents=True)
    (path / "dbt.log").write_text("log")
    for written in (path / "dbt.log", path):
        os.utime(written, (NOW - hours_ago * HOUR, NOW - hours_ago * HOUR))
    return path


def test_only_the_newest_of_each_kind_are_kept_and_none_in_use(tmp_path: Path) -> None:
    builds = [
        invocation(tmp_path, f"warehouse_dbt_assets-a1b2c3{i}-0f0f0f{i}", hours_ago=24 * i + 2)
        for i in range(5)
    ]
    checks = [invocation(tmp_path, f"5e5e5e{i}", hours_ago=i + 2) for i in range(3)]
    running = invocation(tmp_path, "warehouse_dbt_assets-ffffff0-ffffff0", hours_ago=0.5)
    (tmp_path / "lint").mkdir()  # not an invocation: kept
    (tmp_path / "abcdef1").mkdir()  # an invocation's name, but no dbt output in it: kept

    deleted = prune_invocations(tmp_path, keep=2, now=NOW)

    # Two of each kind: the running build and the newest finished one; the two newest checks.
    assert sorted(deleted) == sorted([*builds[1:], checks[2]])
    assert running.exists() and builds[0].exists() and checks[0].exists() and checks[1].exists()
    assert (tmp_path / "lint").exists() and (tmp_path / "abcdef1").exists()


def test_a_folder_in_use_is_kept_even_beyond_the_count(tmp_path: Path) -> None:
    recent = [
        invocation(tmp_path, f"warehouse_dbt_assets-1234567-abcdef{i}", hours_ago=0.1 * i) for i in range(4)
    ]
    assert prune_invocations(tmp_path, keep=0, now=NOW) == []
    assert all(path.exists() for path in recent)


def test_the_commands_run_logs_beyond_the_newest_are_deleted(tmp_path: Path) -> None:
    from orchestration.run_progress import prune_run_logs

    names = ["run_20261201_060000.log", "run_20261202_060000.log", "run_20261203_060000.log"]
    for name in names:
        (tmp_path / name).write_text("log")
    (tmp_path / "notes.txt").write_text("not a run log")
    assert prune_run_logs(tmp_path, keep=2) == [tmp_path / names[0]]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt", *names[1:]]


def test_scratch_folders_of_killed_processes_go_when_another_starts(tmp_path: Path) -> None:
    import subprocess
    import sys

    from orchestration.defs.ingestion.pipelines import SCRATCH_PREFIX, remove_scratch_of_dead_processes

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    of_dead = tmp_path / f"{SCRATCH_PREFIX}{dead.pid}-abc123"
    of_living = tmp_path / f"{SCRATCH_PREFIX}{os.getpid()}-def456"
    for folder in (of_dead, of_living):
        (folder / "crm_exports").mkdir(parents=True)
    remove_scratch_of_dead_processes(tmp_path)
    assert not of_dead.exists() and of_living.exists()
