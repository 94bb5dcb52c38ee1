"""Runs one Salesforce load in its own process, so a test can SIGKILL it part way.

python -m tests.load_salesforce <instance_url> <workdir> [run | stop-after-normalize]
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from ingestion.salesforce import salesforce
from tests.raw_tables import duckdb_pipeline


def main(instance_url: str, workdir: str, mode: str) -> None:
    pipeline = duckdb_pipeline(Path(workdir), "sf_kill", "raw_salesforce")
    source = salesforce(instance_url=instance_url, access_token="static-token")
    if mode == "stop-after-normalize":
        pipeline.extract(source)
        pipeline.normalize()
        os.kill(os.getpid(), signal.SIGKILL)  # dies with a normalized package not yet loaded
    pipeline.run(source)


if __name__ == "__main__":
    main(*sys.argv[1:4])
