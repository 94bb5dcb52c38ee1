"""The dbt project, built once. Its manifest is prepared ahead (`make run` / `dbt parse`);
`dagster dev` re-parses only when the manifest is missing."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import metadata
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration import settings
from orchestration.warehouse_location import location

# The dbt installed beside the running interpreter (a venv's bin/), whether or not it is on PATH.
DBT_EXECUTABLE = (
    str(Path(sys.executable).with_name("dbt"))
    if Path(sys.executable).with_name("dbt").exists()
    else (shutil.which("dbt") or "dbt")
)


@cache
def dbt_project() -> DbtProject:
    return DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)


def dbt_vars() -> list[str]:
    """What dbt is told on its command line: the DuckDB file's name (dbt starts in its folder:
    `dbt_environment`), or Spark's lake and warehouse folders. Vars and the profile's variables
    are part of what dbt's parse is keyed on: an absolute path would make every new data folder
    parse the project again (8 s), and the as-of date every new day; so neither is a var."""
    where = location()
    values = {"warehouse_path": where.duckdb_path.name}
    if where.is_spark:
        values |= {"lake_dir": where.lake_dir, "spark_warehouse_dir": where.spark_warehouse_dir}
    return ["--vars", json.dumps(values)]


@contextmanager
def dbt_environment(
    as_of_date: str, last_build_day: str | None = None, workdir: Path | None = None
) -> Iterator[None]:
    """What a dbt process started meanwhile inherits (it copies this process's environment): the
    folder it starts in (`workdir`, else the DuckDB file's; orchestration/bin/dbt moves there),
    the run's day (the macro `as_of_date` reads it only when executing, so dbt never tracks it
    for parsing; empty: today) and the day of the last successful build this one continues (the
    macro `rebuilt_since`; empty: none)."""
    values = {
        settings.AS_OF_DATE_VARIABLE: as_of_date,
        WORKDIR_VARIABLE: str(workdir or location().duckdb_path.parent),
        LAST_BUILD_DAY_VARIABLE: last_build_day or "",
    }
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


WORKDIR_VARIABLE = "SALESOPS_DBT_WORKDIR"
LAST_BUILD_DAY_VARIABLE = "SALESOPS_LAST_BUILD_AS_OF"


# Settings that change which models exist (`enabled:`) or the target dbt parses for.
MANIFEST_SETTINGS = ("SALESOPS_CRM_SOURCE", "SALESOPS_FINANCE_SOURCE", "SALESOPS_TARGET")
PROJECT_SOURCES = ("dbt_project.yml", "profiles.yml", "models", "macros", "tests")
DBT_PACKAGES = ("dbt-core", "dbt-duckdb", "dbt-postgres", "dbt-spark")


def _installed(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def manifest_key() -> str:
    """What the manifest was parsed from: the project's files, the settings that shape it and the
    dbt it was parsed with."""
    digest = hashlib.sha256()
    root = settings.DBT_PROJECT_DIR
    paths = [root / name for name in PROJECT_SOURCES]
    files = sorted(
        p for path in paths for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file()
    )
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in MANIFEST_SETTINGS:
        digest.update(f"{name}={os.environ.get(name, '')}\0".encode())
    for package in DBT_PACKAGES:  # an upgrade parses (and unit-tests) again
        digest.update(f"{package}=={_installed(package)}\0".encode())
    return digest.hexdigest()


def _target_dir(target_dir: Path | None) -> Path:
    return target_dir or dbt_project().manifest_path.parent


def unit_tests_passed(target_dir: Path | None = None) -> bool:
    """Whether dbt's unit tests passed for this code (the project's files, settings and dbt) in
    some build of this checkout: they read fixed rows, never the warehouse, so a new data folder,
    as-of date or new data cannot change their outcome."""
    folder = _target_dir(target_dir)
    parsed, stamp = folder / "code.key", folder / "unit_tests_passed.key"
    return parsed.exists() and stamp.exists() and stamp.read_text() == parsed.read_text()


def record_unit_tests_passed(target_dir: Path | None = None) -> None:
    parsed = _target_dir(target_dir) / "code.key"
    if parsed.exists():
        (_target_dir(target_dir) / "unit_tests_passed.key").write_text(parsed.read_text())


def prepare_manifest() -> None:
    """`dbt parse`, unless the manifest was already parsed from these files, settings and vars:
    a parse costs seconds before every run otherwise. It parses with the vars the run's builds
    pass (the warehouse file's name), so that they parse partially."""
    project = dbt_project()
    target = project.project_dir / project.target_path
    code = manifest_key()
    vars_arguments = dbt_vars()
    key = hashlib.sha256(f"{code}\0{vars_arguments[-1]}".encode()).hexdigest()
    target.mkdir(parents=True, exist_ok=True)
    # Runs started together parse one at a time: the second finds the manifest current.
    with open(target / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = target / "manifest.key"
        if project.manifest_path.exists() and stamp.exists() and stamp.read_text() == key:
            return
        # Parsed aside, then swapped in: a process loading the manifest meanwhile reads a whole one.
        with tempfile.TemporaryDirectory(dir=target, prefix=".parse_") as scratch:
            if (target / "partial_parse.msgpack").exists():  # what did not change parses no more
                shutil.copy(target / "partial_parse.msgpack", scratch)
            dbt = DbtCliResource(project_dir=project, dbt_executable=DBT_EXECUTABLE)
            dbt.cli(["parse", "--quiet", *vars_arguments], target_path=Path(scratch)).wait()
            for name in PARSE_OUTPUTS:
                if (Path(scratch) / name).exists():
                    os.replace(Path(scratch) / name, target / name)
        stamp.write_text(key)
        (target / "code.key").write_text(code)


PARSE_OUTPUTS = ("manifest.json", "semantic_manifest.json", "partial_parse.msgpack")
