"""Benchmark: a full run (`orchestration.cli run`) of the demo company at a given scale, then a run
with no new data: wall time, peak memory of the whole process tree (the CLI, dbt), the time of
each Dagster step and the slowest dbt models, with the machine's load average.

uv run python benchmarks/full_run.py --scale 10 [--again] [--next-day]

The demo is written first (timed apart: a company's runs start from its exports); the run after
one more day first writes the demo as of the next day (not timed), as a company's next export
would arrive. Each later run is also given as a share of the full run, with and without the demo.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def tree_rss_mib(root: int) -> float:
    """Resident memory of `root` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        rss[int(entry.name)] = pages * os.sysconf("SC_PAGE_SIZE")
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in tree) / 2**20


def timed_run(data_dir: Path, args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(seconds, peak MiB of the process tree, exit code) of one CLI run."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "run", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(data_dir / "run.log", "a"),  # noqa: SIM115 - closed with the process
    )
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_mib(process.pid))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    done.set()
    sampler.join()
    return time.perf_counter() - started, peak, code


def step_times(data_dir: Path) -> list[tuple[str, float]]:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(data_dir / "dagster_home")) as instance:
        (run,) = instance.get_runs(limit=1)
        stats = instance.get_run_step_stats(run.run_id)
    return sorted(((s.step_key, (s.end_time or 0) - (s.start_time or 0)) for s in stats), key=lambda s: -s[1])


def slowest_models(count: int = 8) -> list[tuple[str, float]]:
    """The slowest nodes of the newest dbt invocation (dagster-dbt keeps one folder per run)."""
    results = sorted(
        (PROJECT_ROOT / "dbt_project" / "target").rglob("run_results.json"), key=lambda p: p.stat().st_mtime
    )
    if not results:
        return []
    timings = json.loads(results[-1].read_text())["results"]
    return sorted(
        ((r["unique_id"].split(".")[-1], r["execution_time"]) for r in timings), key=lambda r: -r[1]
    )[:count]


def report(label: str, data_dir: Path, seconds: float, peak: float, code: int) -> None:
    print(f"{label}: {seconds:.0f} s, peak RSS of the process tree {peak:,.0f} MiB, exit {code}")
    steps = step_times(data_dir)
    checks = [duration for step, duration in steps if step.endswith("_expectations")]
    print(f"    {len(checks)} quality check steps: {sum(checks):.1f} s")
    for step, duration in [s for s in steps if not s[0].endswith("_expectations")][:6]:
        print(f"    step {step}: {duration:.1f} s")
    for model, duration in slowest_models():
        print(f"    dbt {model}: {duration:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--as-of", default=date(2026, 11, 23).isoformat())
    parser.add_argument("--again", action="store_true", help="then run again with no new data")
    parser.add_argument("--next-day", action="store_true", help="then run on the demo one day later")
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()}")
    data_dir = Path(tempfile.mkdtemp(prefix="full-run-bench-"))
    env = {
        **os.environ,
        "SALESOPS_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(data_dir / "dagster_home"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    env.pop("SALESOPS_WAREHOUSE_PATH", None)
    try:
        from ingestion.demo_company.company import generate

        # The demo is written first and timed apart: a company's run starts from its exports.
        started = time.perf_counter()
        generate(data_dir / "demo", 42, date.fromisoformat(args.as_of), args.scale)
        demo_seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"scale {args.scale} demo written in {demo_seconds:.0f} s, peak RSS {peak:,.0f} MiB "
            "(`make run` adds it on a first run)"
        )
        env["SALESOPS_EXPORTS_DIR"] = str(data_dir / "demo")
        env["SALESOPS_AS_OF_DATE"] = args.as_of
        full = timed_run(data_dir, [], env)
        report(f"scale {args.scale} full run on the exports", data_dir, *full)
        print(f"    with the demo written first, as `make run` does: {full[0] + demo_seconds:.0f} s")

        def share(seconds: float) -> str:
            with_demo = seconds / (full[0] + demo_seconds)
            return f"{seconds / full[0]:.0%} of the full run, {with_demo:.0%} with the demo"

        if args.again:
            again = timed_run(data_dir, [], env)
            report(f"scale {args.scale} run with no new data ({share(again[0])})", data_dir, *again)
        if args.next_day:
            next_day = date.fromisoformat(args.as_of) + timedelta(days=1)
            generate(data_dir / "demo", 42, next_day, args.scale)  # the next day's exports
            env["SALESOPS_AS_OF_DATE"] = next_day.isoformat()
            later = timed_run(data_dir, [], env)
            report(f"scale {args.scale} run after one more day of data ({share(later[0])})", data_dir, *later)
        print(f"load average after: {os.getloadavg()}")
    finally:
        if args.keep:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
