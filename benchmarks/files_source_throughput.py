"""Benchmark: rows/s of the CRM and finance export-file sources (dlt, arrow path, contracts applied)
beside DuckDB's own `read_csv` of the same files into a table.

uv run python benchmarks/files_source_throughput.py --scale 10
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import dlt
import duckdb

from ingestion.demo_company.company import generate
from ingestion.export_files import crm_exports, finance_exports
from ingestion.finance.tables import FINANCE_TABLES
from ingestion.salesforce.objects import CRM_TABLES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="files-bench-"))
    try:
        exports = work / "exports"
        generate(exports, seed=42, as_of=args.as_of, scale=args.scale)
        pipeline = dlt.pipeline(
            pipeline_name="bench",
            destination=dlt.destinations.duckdb(str(work / "dlt.duckdb")),
            dataset_name="raw",
            pipelines_dir=str(work / "dlt"),
        )
        started = time.perf_counter()
        pipeline.run(crm_exports(str(exports)))
        pipeline.run(finance_exports(str(exports)))
        dlt_seconds = time.perf_counter() - started
        with duckdb.connect(str(work / "dlt.duckdb"), read_only=True) as con:
            tables = [spec.name for spec in (*CRM_TABLES, *FINANCE_TABLES)]
            rows_merged = sum(con.execute(f'select count(*) from raw."{t}"').fetchone()[0] for t in tables)
        files = [(f"crm/{s.origin}", s.name) for s in CRM_TABLES] + [
            (f"finance/{s.origin}", s.name) for s in FINANCE_TABLES
        ]
        started = time.perf_counter()
        rows_read = 0
        with duckdb.connect(str(work / "plain.duckdb")) as con:
            for folder, name in files:
                con.execute(
                    f"create table \"{name}\" as select * from read_csv('{exports / folder}/*.csv', "
                    "header = true)"
                )
                rows_read += con.execute(f'select count(*) from "{name}"').fetchone()[0]
        duckdb_seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"scale {args.scale}: {rows_read:,} rows in export files ({rows_merged:,} after merge on keys)")
    print(f"dlt files sources : {dlt_seconds:7.1f} s  {rows_read / dlt_seconds:12,.0f} rows/s")
    print(f"duckdb read_csv   : {duckdb_seconds:7.1f} s  {rows_read / duckdb_seconds:12,.0f} rows/s")


if __name__ == "__main__":
    main()
