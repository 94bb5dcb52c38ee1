"""Concurrent launches share the `warehouse` pool of dagster.yaml: steps that open the DuckDB file
run one at a time across processes, so none hits DuckDB's lock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.warehouse_lock import exclusive_turn

JOB = Path(__file__).with_name("pooled_writer_job.py")


def test_concurrent_launches_never_hit_a_duckdb_lock(tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(settings.PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    warehouse = tmp_path / "warehouse.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(settings.PROJECT_ROOT)}
    # The instance exists before the launches, as it does on a deployed machine.
    subprocess.run(
        [sys.executable, "-c", "import dagster; dagster.DagsterInstance.get().dispose()"], env=env, check=True
    )
    launches = [
        subprocess.Popen(
            [sys.executable, str(JOB), str(warehouse)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [launch.communicate(timeout=300) for launch in launches]
    assert [launch.returncode for launch in launches] == [0, 0, 0], [err[-2000:] for _, err in outputs]
    assert not any("lock" in err.lower() and "conflicting" in err.lower() for _, err in outputs)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert connection.execute("select count(distinct run_id) from writes").fetchone()[0] == 3


HOLDER = """
import sys, time
from pathlib import Path
import duckdb
from orchestration.warehouse_lock import exclusive_turn
with exclusive_turn(Path(sys.argv[1])), duckdb.connect(sys.argv[1]) as connection:
    connection.execute("create table writes (run_id text, written_at timestamp)")
    print("holding", flush=True)
    time.sleep(1.5)
"""


def test_a_step_waits_for_the_warehouse_turn_instead_of_failing_on_the_lock(tmp_path: Path) -> None:
    """Even when the pool lets two steps through at once, the second waits for the file lock."""
    warehouse = tmp_path / "warehouse.duckdb"
    env = {**os.environ, "PYTHONPATH": str(settings.PROJECT_ROOT)}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse)], env=env, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    waited: list[str] = []
    # Taken twice (re-entrant, as a step's reads do); the connect would raise "Conflicting lock"
    # had it not waited.
    with (
        exclusive_turn(warehouse, waited.append),
        exclusive_turn(warehouse),
        duckdb.connect(str(warehouse)) as connection,
    ):
        connection.execute("insert into writes values ('second', now())")
    assert holder.wait(timeout=30) == 0
    assert waited and waited[0].startswith("Waiting for another run")
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert connection.execute("select count(*) from writes").fetchone() == (1,)
