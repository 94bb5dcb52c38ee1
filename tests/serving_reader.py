"""A BI reader for the publishing tests: queries the DuckDB serving file in a loop until told to
stop, and writes one JSON line per query (the run ids it saw, or the error)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

# Three marts in one query: a half-published store would show two run ids.
QUERY = """
select distinct _run_id from (
    select _run_id from pipeline.fct_opportunities
    union all select _run_id from pipeline.fct_pipeline_movement
    union all select _run_id from quota.fct_quota_attainment
)
"""


def main(serving_file: Path, stop_file: Path, out: Path) -> None:
    with out.open("w") as log:
        while not stop_file.exists():
            try:
                with duckdb.connect(str(serving_file), read_only=True) as connection:
                    run_ids = sorted(row[0] for row in connection.execute(QUERY).fetchall())
                log.write(json.dumps({"run_ids": run_ids}) + "\n")
            except Exception as error:  # every failure is what the test counts
                log.write(json.dumps({"error": f"{type(error).__name__}: {error}"}) + "\n")
            log.flush()
            time.sleep(0.1)  # often enough to read through the swap, without taking a core from the run


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
