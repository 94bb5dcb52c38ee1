"""Benchmark: a full run (`orchestration.cli run`) of the demo company at a given scale, then a run
with no new data: wall time, peak memory of the whole process tree (the CLI, dbt), the time of
each Dagster step and the slowest dbt models, with the machine's load average.

uv run python benchmarks/full_run.py --scale 10 [--again] [--next-day]

The demo is written first (timed apart: a company's runs start from its exports); the run after
one more day first writes the demo as of the next day (not timed), as a company's next export
would arrive. Each later run is also given as a share of the full run, with and without the demo,
and the figures are judged against issue 14's targets (met or NOT MET).
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
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def tree_rss_mib(root: int) -> dict[str, float]:
    """Resident memory (MiB) of `root` and all its descendants, from /proc, by process name."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name, stat = (entry / "stat").read_text().split(") ", 1)
            parents[int(entry.name)] = int(stat.split()[1])
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        rss[int(entry.name)] = pages * os.sysconf("SC_PAGE_SIZE")
        names[int(entry.name)] = name.split("(", 1)[1]
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    by_name: dict[str, float] = {}
    for pid in tree:
        label = "cli" if pid == root else names.get(pid, "?")
        by_name[label] = by_name.get(label, 0.0) + rss.get(pid, 0) / 2**20
    return by_name


@dataclass
class Run:
    seconds: float
    code: int
    peak: float  # MiB, the whole process tree
    peak_at: float  # seconds after the start
    peak_by_process: dict[str, float]
    samples: list[tuple[float, dict[str, float]]]  # (epoch seconds, MiB by process)


def timed_run(data_dir: Path, args: list[str], env: dict[str, str]) -> Run:
    """Wall time, exit code and the process tree's peak memory (when, and held by which process)
    of one CLI run."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "run", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(data_dir / "run.log", "a"),  # noqa: SIM115 - closed with the process
    )
    run = Run(0.0, 0, 0.0, 0.0, {}, [])
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            by_process = tree_rss_mib(process.pid)
            run.samples.append((time.time(), by_process))
            if sum(by_process.values()) > run.peak:
                run.peak, run.peak_by_process = sum(by_process.values()), by_process
                run.peak_at = time.perf_counter() - started
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    run.code = process.wait()
    done.set()
    sampler.join()
    run.seconds = time.perf_counter() - started
    return run


def step_times(data_dir: Path) -> tuple[float, list[tuple[str, float, float]]]:
    """The newest run's start (epoch seconds) and its steps as (key, start, seconds), slowest first."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(data_dir / "dagster_home")) as instance:
        (run,) = instance.get_runs(limit=1)
        stats = instance.get_run_step_stats(run.run_id)
        record = instance.get_run_record_by_id(run.run_id)
    run_start = record.start_time if record and record.start_time else 0.0
    steps = [(s.step_key, s.start_time or 0.0, (s.end_time or 0.0) - (s.start_time or 0.0)) for s in stats]
    return run_start, sorted(steps, key=lambda s: -s[2])


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


@dataclass(frozen=True)
class Figures:
    """What issue 14's targets are judged on, for one run."""

    seconds: float
    peak_mib: float
    start_up: float  # before the Dagster run started
    checks: float  # the quality check steps


def report(label: str, data_dir: Path, run: Run, launched: float) -> Figures:
    """Prints the run's figures; `launched`: epoch seconds when the run's command started."""
    print(f"{label}: {run.seconds:.0f} s, peak RSS of the process tree {run.peak:,.0f} MiB, exit {run.code}")
    run_start, steps = step_times(data_dir)
    print(
        f"    before the Dagster run started (imports, dbt manifest, planning): {run_start - launched:.1f} s"
    )
    peak_epoch = launched + run.peak_at
    at_peak = [key for key, start, seconds in steps if start <= peak_epoch <= start + seconds]
    held = ", ".join(
        f"{name} {mib:,.0f}" for name, mib in sorted(run.peak_by_process.items(), key=lambda i: -i[1])
    )
    print(f"    peak at {run.peak_at:.0f} s, during {at_peak or ['no step']}; MiB by process: {held}")
    checks = [(key, seconds) for key, _, seconds in steps if key.endswith(("_expectations", "_suite"))]
    each = ", ".join(f"{key} {seconds:.1f} s" for key, seconds in checks)
    print(f"    {len(checks)} quality check steps: {sum(s for _, s in checks):.1f} s ({each})")
    for key, _, seconds in [s for s in steps if not s[0].endswith(("_expectations", "_suite"))][:6]:
        print(f"    step {key}: {seconds:.1f} s")
    for model, duration in slowest_models():
        print(f"    dbt {model}: {duration:.1f} s")
    print("    the command's own peak (MiB) in its largest steps:")
    for key, mib in command_memory_by_step(run, steps)[:6]:
        print(f"    {key}: {mib:,.0f}")
    return Figures(run.seconds, run.peak, run_start - launched, sum(s for _, s in checks))


# Issue 14's targets that depend on the demo scale: a full run's seconds, the peak's MiB.
FULL_RUN_SECONDS = {10.0: 180.0, 25.0: 360.0}
PEAK_MIB = {25.0: 3 * 1024.0, 100.0: 8 * 1024.0}


def judged(scale: float, full: Figures, again: Figures | None, later: Figures | None) -> list[str]:
    """One line per target that these runs measure: the target, the figure, met or not."""

    def line(what: str, figure: str, met: bool) -> str:
        return f"    {what}: {figure} -> {'met' if met else 'NOT MET'}"

    lines = []
    if scale in FULL_RUN_SECONDS:
        limit = FULL_RUN_SECONDS[scale]
        met = full.seconds <= limit
        lines.append(line(f"full run <= {limit / 60:.0f} min", f"{full.seconds:.0f} s", met))
    if scale in PEAK_MIB:
        limit = PEAK_MIB[scale]
        met = full.peak_mib <= limit
        lines.append(line(f"peak <= {limit / 1024:.0f} GiB", f"{full.peak_mib:,.0f} MiB", met))
    for name, figures in (("full run", full), ("no new data", again), ("one more day", later)):
        if figures is not None:
            met = figures.start_up <= 10
            lines.append(line(f"start-up <= 10 s ({name})", f"{figures.start_up:.1f} s", met))
    share = full.checks / full.seconds
    lines.append(line("quality checks <= 20 % of a full run", f"{share:.0%}", share <= 0.20))
    if again is not None:
        share = again.seconds / full.seconds
        lines.append(line("a run with no new data <= 15 % of a full run", f"{share:.0%}", share <= 0.15))
    if later is not None:
        share = later.seconds / full.seconds
        lines.append(line("a run after one more day <= 25 % of a full run", f"{share:.0%}", share <= 0.25))
    return lines


def command_memory_by_step(run: Run, steps: list[tuple[str, float, float]]) -> list[tuple[str, float]]:
    """The CLI process's own peak RSS during each step, largest first: what the command holds
    while each step runs (dbt and other children are counted apart)."""
    peaks = []
    for key, start, seconds in steps:
        during = [sample.get("cli", 0.0) for at, sample in run.samples if start <= at <= start + seconds]
        if during:
            peaks.append((key, max(during)))
    return sorted(peaks, key=lambda p: -p[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--as-of", default=date(2026, 11, 23).isoformat())
    parser.add_argument("--again", action="store_true", help="then run again with no new data")
    parser.add_argument("--next-day", action="store_true", help="then run on the demo one day later")
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    parser.add_argument(
        "--demo-dir",
        type=Path,
        help="write the demo here, or reuse it when it is already there with these settings "
        "(a scale-100 demo takes 12 minutes to write); the run after one more day writes its own",
    )
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
        from ingestion.demo_company.company import generate, generate_unless_current

        # The demo is written first and timed apart: a company's run starts from its exports.
        demo_dir = args.demo_dir or data_dir / "demo"
        started = time.perf_counter()
        written = generate_unless_current(demo_dir, 42, date.fromisoformat(args.as_of), args.scale)
        demo_seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if written:
            print(
                f"scale {args.scale} demo written in {demo_seconds:.0f} s, peak RSS {peak:,.0f} MiB "
                "(`make run` adds it on a first run)"
            )
        else:
            print(f"scale {args.scale} demo reused from {demo_dir} (its writing time is not known here)")
        if demo_dir != data_dir / "demo":  # the run after one more day overwrites its copy
            shutil.copytree(demo_dir, data_dir / "demo")
        env["SALESOPS_EXPORTS_DIR"] = str(data_dir / "demo")
        env["SALESOPS_AS_OF_DATE"] = args.as_of
        launched = time.time()
        full = timed_run(data_dir, [], env)
        full_figures = report(f"scale {args.scale} full run on the exports", data_dir, full, launched)
        again_figures = later_figures = None
        if written:
            print(f"    with the demo written first, as `make run` does: {full.seconds + demo_seconds:.0f} s")

        def share(seconds: float) -> str:
            with_demo = f", {seconds / (full.seconds + demo_seconds):.0%} with the demo" if written else ""
            return f"{seconds / full.seconds:.0%} of the full run{with_demo}"

        if args.again:
            launched = time.time()
            again = timed_run(data_dir, [], env)
            again_figures = report(
                f"scale {args.scale} run with no new data ({share(again.seconds)})", data_dir, again, launched
            )
        if args.next_day:
            next_day = date.fromisoformat(args.as_of) + timedelta(days=1)
            generate(data_dir / "demo", 42, next_day, args.scale)  # the next day's exports
            env["SALESOPS_AS_OF_DATE"] = next_day.isoformat()
            launched = time.time()
            later = timed_run(data_dir, [], env)
            later_figures = report(
                f"scale {args.scale} run after one more day of data ({share(later.seconds)})",
                data_dir,
                later,
                launched,
            )
        print(f"against issue 14's targets (scale {args.scale}; a first run after new code also parses):")
        print("\n".join(judged(args.scale, full_figures, again_figures, later_figures)))
        print(f"load average after: {os.getloadavg()}")
    finally:
        if args.keep:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
