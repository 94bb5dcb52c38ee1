"""Run the project's dbt on a given warehouse, in a subprocess, leaving the project's target alone.

dbt starts as the orchestration starts it: through its launcher, in the warehouse's folder, the
profile given the file's name as the var `warehouse_path`, and the as-of date (when the caller
sets SALESOPS_AS_OF_DATE) in the environment, read only when executing. So a DuckDB build starts
from its folder's last parse, else the project's own (which the session's demo run parsed), and
parses partially: a full parse is 8-9 s of CPU, a partial one about 3. dbt checks a parse's
files, vars and settings before using it and parses everything again when they differ (another
CRM, say), so a parse of other settings costs a full parse, never a wrong one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from orchestration import settings
from orchestration.defs.transform.cli_resource import DBT_LAUNCHER

PARTIAL_PARSE = "partial_parse.msgpack"


def dbt_build(
    workdir: Path,
    env: dict[str, str],
    *args: str,
    dbt_vars: dict[str, Any] | None = None,
    unit_tests: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`dbt build <args>` with `env` added; fails the test with dbt's output if it fails. A build of
    a selection runs only the tests whose every parent it builds (a reference test from a model
    left out would read a table that is not there). dbt's unit tests read fixed rows, not the
    warehouse: the session's build runs them all on DuckDB (and the parity test on PostgreSQL), so
    other builds leave them out unless asked (about 9 s a build)."""
    cautious = ["--indirect-selection", "cautious"] if "--select" in args else []
    units = [] if unit_tests or "unit_test" in args else ["--exclude-resource-type", "unit_test"]
    result = dbt_command(workdir, env, "build", *cautious, *units, *args, dbt_vars=dbt_vars)
    assert result.returncode == 0, result.stdout[-6000:]
    return result


def dbt_command(
    workdir: Path, env: dict[str, str], *args: str, dbt_vars: dict[str, Any] | None = None
) -> subprocess.CompletedProcess[str]:
    """`dbt <args>` with `env` added, on `workdir`'s target and logs, with `dbt_vars` added to
    dbt's vars; on DuckDB, on the file SALESOPS_WAREHOUSE_PATH names (else
    `workdir`/warehouse.duckdb). The caller judges the outcome."""
    assert "--vars" not in args, "pass vars as dbt_vars, the as-of date as SALESOPS_AS_OF_DATE"
    environment = {**os.environ, **env}
    on_duckdb = environment.get("SALESOPS_TARGET", "duckdb") == "duckdb"
    warehouse = Path(environment.get("SALESOPS_WAREHOUSE_PATH") or workdir / "warehouse.duckdb")
    variables = json.dumps({"warehouse_path": warehouse.name, **(dbt_vars or {})}, sort_keys=True)
    environment["SALESOPS_DBT_WORKDIR"] = str(warehouse.parent if on_duckdb else workdir)
    target = workdir / "target"
    project_parse = settings.DBT_PROJECT_DIR / "target" / PARTIAL_PARSE
    if on_duckdb and project_parse.exists() and not (target / PARTIAL_PARSE).exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(project_parse, target / PARTIAL_PARSE)
    project = str(settings.DBT_PROJECT_DIR)
    command = [str(DBT_LAUNCHER), str(Path(sys.executable).parent / "dbt"), *args[:1],
               "--project-dir", project, "--profiles-dir", project, "--target-path", str(target),
               "--log-path", str(workdir / "logs"), *args[1:], "--vars", variables]  # fmt: skip
    return subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
