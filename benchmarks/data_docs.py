"""Benchmark: the Data Docs build that ends each run, once a month of daily results is kept.

uv run python benchmarks/data_docs.py --quality-dir DATA/quality [--days 30]

Reads the newest result of each suite in a quality folder (a `full_run.py --keep` data folder's
`quality/`), and in a scratch copy stores it again as the result of each of `--days` earlier
days (the same JSON under that day's run time): the history a daily schedule keeps
(`SALESOPS_QUALITY_KEEP_RUNS`, 30 by default). It times the whole site's build on that history,
then the build after one more day of results (as a daily run ends: every suite validated anew),
then a build with nothing new, with the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from expectations.runner import build_data_docs

RUN_TIME = "%Y%m%dT%H%M%S.%fZ"  # GX's run time folders


def newest_results(results: Path) -> list[Path]:
    """The newest stored result of each suite (<schema>/<table>/<run name>/<run time>/<batch>.json)."""
    suites = {path.parents[2]: path for path in sorted(results.rglob("*.json"), key=lambda p: p.parent.name)}
    return list(suites.values())


def store_as_of(result: Path, results: Path, scratch_results: Path, days_before: int) -> None:
    run_time = datetime.strptime(result.parent.name, RUN_TIME) - timedelta(days=days_before)
    relative = result.relative_to(results)
    target = scratch_results / relative.parents[1] / run_time.strftime(RUN_TIME) / relative.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(result, target)


def timed(what: str, quality_dir: Path, keep_runs: int) -> Path:
    started = time.perf_counter()
    index = build_data_docs(quality_dir, keep_runs)
    seconds = time.perf_counter() - started
    assert index is not None
    stored = sum(1 for _ in (quality_dir / "gx" / "uncommitted" / "validations").rglob("*.json"))
    print(f"{what}: {seconds:.2f} s ({stored:,} stored results)")
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quality-dir", type=Path, required=True)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()}")
    results = args.quality_dir / "gx" / "uncommitted" / "validations"
    newest = newest_results(results)
    with tempfile.TemporaryDirectory(prefix="data-docs-bench-") as scratch:
        quality = Path(scratch) / "quality"
        shutil.copytree(args.quality_dir / "gx", quality / "gx", ignore=shutil.ignore_patterns("uncommitted"))
        scratch_results = quality / "gx" / "uncommitted" / "validations"
        for days_before in range(1, args.days + 1):
            for result in newest:
                store_as_of(result, results, scratch_results, days_before)
        print(f"{len(newest)} suites, {args.days} days of results kept")
        # GX's import (3-4 s) is paid by the run's checks before the site is built: not timed.
        import great_expectations  # noqa: F401

        timed("the whole site", quality, args.days)
        for result in newest:
            store_as_of(result, results, scratch_results, 0)
        timed("after one more day of results", quality, args.days)
        index = timed("with nothing new", quality, args.days)
        pages = sum(1 for _ in (index.parent / "validations").rglob("*.html"))
        print(f"pages: {pages:,}; load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
