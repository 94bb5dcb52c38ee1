"""Benchmark: what dbt costs on a warehouse when its models have no rows to compute.

uv run python benchmarks/dbt_floor.py --data-dir DATA [--rounds 2] [--whole-project]

DATA is a data folder a `full_run.py --keep` left (its warehouse, last as-of date and run logs).
On copies of its warehouse, its last run's build (the nodes that run's dbt command ran: what read
something that changed; with `--whole-project`, every model, seed and data test) runs as a day's
run starts it (dbt's launcher, two threads, the build continuing the last day's; the unit tests
ran when the code was built), alternately with the data and with `dbt build --empty` (every ref
and source read as zero rows: the same nodes, statements and commits, no data to compute). The
empty build is the floor that build cannot go below with this project in dbt-core, however
incremental its models become. Prints each round's wall time (from launch to exit: dbt's start,
its nodes, the commits and DuckDB's checkpoint when dbt closes the file) and dbt's own elapsed
time, with the machine's load average.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from orchestration import settings
from orchestration.defs.transform.cli_resource import DBT_LAUNCHER
from orchestration.defs.transform.project import (
    DBT_EXECUTABLE,
    LAST_BUILD_DAY_VARIABLE,
    WORKDIR_VARIABLE,
    dbt_project,
)

PARTIAL_PARSE = "partial_parse.msgpack"


def last_run_exclusions(data_dir: Path) -> list[str]:
    """What the folder's newest run left out of its dbt build (`--exclude`, from its log), so that
    the replay runs the nodes that run ran."""
    log = max((data_dir / "logs").glob("run_*.log"))
    commands = re.findall(r"Running dbt command: `.* --exclude (.*?) --select ", log.read_text())
    return ["--exclude", *commands[-1].split(), "--indirect-selection", "empty"] if commands else []


def build(data_dir: Path, scratch: Path, empty: bool, selection: list[str]) -> tuple[float, float, int]:
    """(wall seconds, dbt's elapsed seconds, nodes run) of one build on a fresh warehouse copy."""
    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / "target").mkdir(parents=True)
    shutil.copyfile(data_dir / "warehouse.duckdb", scratch / "warehouse.duckdb")
    project = dbt_project()
    parsed = project.project_dir / project.target_path / PARTIAL_PARSE
    if parsed.exists():  # starts from the project's parse, as a run's build does
        shutil.copyfile(parsed, scratch / "target" / PARTIAL_PARSE)
    as_of = json.loads((data_dir / "dbt_build_inputs.json").read_text())["inputs"]["as-of date"]
    env = {
        **os.environ,
        settings.AS_OF_DATE_VARIABLE: as_of,
        WORKDIR_VARIABLE: str(scratch),
        # Continuing the day before's build, as a daily run does (the incremental facts redo a day).
        LAST_BUILD_DAY_VARIABLE: (date.fromisoformat(as_of) - timedelta(days=1)).isoformat(),
    }
    arguments = [
        *("build", "--exclude-resource-type", "unit_test", "--threads", "2"),
        *("--vars", json.dumps({"warehouse_path": "warehouse.duckdb"})),
        *("--project-dir", str(project.project_dir), "--profiles-dir", str(project.profiles_dir)),
        *("--target-path", str(scratch / "target")),
        *(["--empty"] if empty else []),
        *selection,
    ]
    started = time.perf_counter()
    done = subprocess.run(
        [DBT_LAUNCHER, DBT_EXECUTABLE, *arguments], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"dbt build{' --empty' if empty else ''} failed:\n{done.stdout[-3000:]}")
    results = json.loads((scratch / "target" / "run_results.json").read_text())
    return wall, results["elapsed_time"], len(results["results"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--whole-project", action="store_true", help="build every node, not the last run's")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()}")
    selection = [] if args.whole_project else last_run_exclusions(args.data_dir)
    left_out = f"the last run's build ({len(selection) - 3} nodes left out)"
    print(left_out if selection else "the whole project")
    figures: dict[bool, list[tuple[float, float, int]]] = {False: [], True: []}
    with tempfile.TemporaryDirectory(prefix="dbt-floor-bench-") as scratch:
        for round_number in range(args.rounds):
            # Alternating which goes first: a machine's speed drifts within minutes.
            for empty in (False, True) if round_number % 2 == 0 else (True, False):
                wall, elapsed, nodes = build(args.data_dir, Path(scratch) / "build", empty, selection)
                figures[empty].append((wall, elapsed, nodes))
                label = "--empty  " if empty else "with data"
                seconds = f"{wall:5.1f} s, dbt's own {elapsed:5.1f} s"
                print(f"round {round_number + 1} {label}: {seconds}, {nodes} nodes")
    best = {empty: min(wall for wall, _, _ in runs) for empty, runs in figures.items()}
    for empty, label in ((False, "with data"), (True, "empty (the floor)")):
        print(f"{label}: best {best[empty]:.1f} s (dbt's own {min(e for _, e, _ in figures[empty]):.1f} s)")
    print(f"the floor is {best[True] / best[False]:.0%} of the build with data")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
