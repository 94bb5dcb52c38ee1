"""Run the project's dbt on a given warehouse, in a subprocess, leaving the project's target alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from orchestration import settings


def dbt_build(
    workdir: Path, env: dict[str, str], *args: str, unit_tests: bool = False
) -> subprocess.CompletedProcess[str]:
    """`dbt build <args>` with `env` added; fails the test with dbt's output if it fails. A build of
    a selection runs only the tests whose every parent it builds (a reference test from a model
    left out would read a table that is not there). dbt's unit tests read fixed rows, not the
    warehouse: the session's build runs them all on DuckDB (and the parity test on PostgreSQL), so
    other builds leave them out unless asked (about 9 s a build)."""
    cautious = ["--indirect-selection", "cautious"] if "--select" in args else []
    units = [] if unit_tests or "unit_test" in args else ["--exclude-resource-type", "unit_test"]
    result = dbt_command(workdir, env, "build", *cautious, *units, *args)
    assert result.returncode == 0, result.stdout[-6000:]
    return result


def dbt_command(workdir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`dbt <args>` with `env` added, on `workdir`'s target and logs; the caller judges the outcome."""
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt), *args[:1], "--profiles-dir", ".", "--target-path", str(workdir / "target"),
               "--log-path", str(workdir / "logs"), *args[1:]]  # fmt: skip
    return subprocess.run(
        command,
        cwd=settings.DBT_PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
