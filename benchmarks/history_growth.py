"""Benchmark: what Dagster's history keeps on disk over many runs, and what a run costs once the
oldest are pruned.

uv run python benchmarks/history_growth.py [--scale 0.1] [--runs 14] [--keep 2]

Runs `orchestration.cli run` on the demo company in a scratch data folder: a full run, then
`--runs` runs with no new data, as a daily schedule on a quiet source does, with
`SALESOPS_DAGSTER_KEEP_RUNS=--keep`. After each run it prints the run's wall time, the size of
`$DAGSTER_HOME/history` and of the runs' compute logs, how many runs the instance keeps, and what
the run pruned, with the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PRUNED = re.compile(r"Dagster's history: .*")


def size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def run_count(home: Path) -> int:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        return len(instance.get_run_ids())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="0.1")
    parser.add_argument("--runs", type=int, default=14)
    parser.add_argument("--keep", type=int, default=2)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="history-bench-") as scratch:
        data = Path(scratch)
        home = data / "dagster_home"
        env = {
            **os.environ,
            "SALESOPS_DATA_DIR": str(data),
            "DAGSTER_HOME": str(home),
            "SALESOPS_DAGSTER_KEEP_RUNS": str(args.keep),
        }
        env.pop("SALESOPS_WAREHOUSE_PATH", None)
        for number in range(args.runs + 1):
            started = time.perf_counter()
            run = subprocess.run(
                [sys.executable, "-m", "orchestration.cli", "run", "--scale", args.scale],
                cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            pruned = PRUNED.search(run.stdout)
            label = "full run" if number == 0 else f"no new data {number}"
            history, logs = size(home / "history") / 2**20, size(home / "storage") / 2**20
            print(
                f"{label}: {seconds:.0f} s, exit {run.returncode}; history {history:.1f} MiB, "
                f"compute logs {logs:.1f} MiB, {run_count(home)} runs kept"
                + (f"; {pruned.group(0)}" if pruned else "")
            )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
