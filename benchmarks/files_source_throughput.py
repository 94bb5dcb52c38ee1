"""Benchmark: rows/s of the CRM and finance export-file sources (dlt, arrow path, contracts applied)
beside DuckDB's own `read_csv` of the same files plus the same newest-version-per-key dedup,
in several rounds that alternate which goes first.

uv run python benchmarks/files_source_throughput.py --scale 10 [--demo-dir DIR]

With --demo-dir the demo is written there unless it already holds the same one (full_run.py's
--demo-dir, so both benchmarks can read one scale-10 demo).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import dlt
import duckdb

from ingestion.demo_company.company import generate_unless_current
from ingestion.export_files import crm_exports, finance_exports
from ingestion.finance.tables import FINANCE_TABLES
from ingestion.salesforce.objects import CRM_TABLES


def dlt_round(work: Path, exports: Path, round_number: int) -> float:
    """Seconds for the dlt files sources to load every export file into a new warehouse."""
    pipeline = dlt.pipeline(
        pipeline_name=f"bench{round_number}",
        destination=dlt.destinations.duckdb(str(work / f"dlt{round_number}.duckdb")),
        dataset_name="raw",
        pipelines_dir=str(work / f"dlt{round_number}"),
    )
    started = time.perf_counter()
    pipeline.run(crm_exports(str(exports)))
    pipeline.run(finance_exports(str(exports)))
    return time.perf_counter() - started


def duckdb_round(work: Path, exports: Path, round_number: int) -> tuple[float, int]:
    """Seconds for DuckDB alone to read the same files and keep the newest version per key (what
    the raw tables plus `newest_versions` give), and the rows read."""
    started = time.perf_counter()
    rows_read = 0
    with duckdb.connect(str(work / f"plain{round_number}.duckdb")) as con:
        for folder, spec in [(f"crm/{s.origin}", s) for s in CRM_TABLES] + [
            (f"finance/{s.origin}", s) for s in FINANCE_TABLES
        ]:
            key = ", ".join(f'"{column}"' for column in spec.primary_key)
            con.execute(
                f"create table \"{spec.name}_files\" as select * from read_csv('{exports / folder}/*.csv', "
                "header = true, union_by_name = true)"
            )
            rows_read += con.execute(f'select count(*) from "{spec.name}_files"').fetchone()[0]
            con.execute(
                f'create table "{spec.name}" as select * from "{spec.name}_files" '
                f'qualify row_number() over (partition by {key} order by "{spec.cursor}" desc) = 1'
            )
    return time.perf_counter() - started, rows_read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--demo-dir", type=Path, help="reuse (or write) the demo here")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()}")
    work = Path(tempfile.mkdtemp(prefix="files-bench-"))
    try:
        exports = args.demo_dir or work / "exports"
        generate_unless_current(exports, 42, args.as_of, args.scale)
        dlt_times, duckdb_times, rows_read = [], [], 0
        for round_number in range(args.rounds):
            # Alternate which goes first, so neither always meets a cold page cache.
            if round_number % 2 == 0:
                dlt_times.append(dlt_round(work, exports, round_number))
                seconds, rows_read = duckdb_round(work, exports, round_number)
                duckdb_times.append(seconds)
            else:
                seconds, rows_read = duckdb_round(work, exports, round_number)
                duckdb_times.append(seconds)
                dlt_times.append(dlt_round(work, exports, round_number))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    dlt_best, duckdb_best = min(dlt_times), min(duckdb_times)
    print(f"scale {args.scale}: {rows_read:,} rows in export files, {args.rounds} rounds (best of each)")
    print(f"dlt files sources          : {dlt_best:7.1f} s  {rows_read / dlt_best:12,.0f} rows/s")
    print(f"duckdb read_csv + newest   : {duckdb_best:7.1f} s  {rows_read / duckdb_best:12,.0f} rows/s")
    print(f"dlt / duckdb throughput    : {duckdb_best / dlt_best:.2f}")
    rounded = {
        name: [round(t, 1) for t in times] for name, times in (("dlt", dlt_times), ("duckdb", duckdb_times))
    }
    print(f"all rounds (s): {rounded}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
