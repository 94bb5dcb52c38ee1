"""Benchmark: time and peak memory of generating the demo company at a given scale.

uv run python benchmarks/demo_generation.py --scale 100
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from ingestion.demo_company.company import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23))
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="demo-bench-"))
    try:
        started = time.perf_counter()
        counts = generate(out, seed=42, as_of=args.as_of, scale=args.scale)
        elapsed = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    finally:
        shutil.rmtree(out, ignore_errors=True)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = sum(counts.values())
    print(
        f"scale {args.scale}: {elapsed:.1f} s, {rows:,d} rows ({rows / elapsed:,.0f} rows/s), "
        f"{size / 2**20:,.0f} MiB of files, peak RSS {peak_mib:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
