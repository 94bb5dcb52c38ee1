"""Command line: `python -m ingestion.demo_company --out data/demo --seed 42 --scale 1`."""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from ingestion.demo_company.company import generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="folder to write the exports to")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=date.today(),
        help="last day of history to write (default: today)",
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1 is about 40 reps and 10,000 opportunities"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.out, args.seed, args.as_of, args.scale)
    elapsed = time.perf_counter() - started
    for table, rows in sorted(counts.items()):
        print(f"{table:35s} {rows:>12,d}")
    print(
        f"demo company (seed {args.seed}, scale {args.scale}, as of {args.as_of}) "
        f"written to {args.out} in {elapsed:.1f} s"
    )


if __name__ == "__main__":
    main()
