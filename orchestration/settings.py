"""Where things live. One place reads the SALESOPS_* environment settings, at call time.

Every path defaults to a folder of the project (`data/`), so the embedded default needs no setup.
"""

from __future__ import annotations

import functools
import os
from datetime import date
from pathlib import Path

import yaml

# orchestration/ sits at the project root; everything else is found from there.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
WAREHOUSE_POOL = "warehouse"


WAREHOUSE_TARGETS = ("duckdb", "postgres", "spark")
# Each CRM connector and the raw dataset it loads (`files` are Salesforce-shaped export files,
# `zoho_files` Zoho's own data backup).
CRM_DATASETS = {
    "files": "raw_salesforce",
    "salesforce": "raw_salesforce",
    "hubspot": "raw_hubspot",
    "zoho": "raw_zoho",
    "zoho_files": "raw_zoho",
}
CRM_SOURCES = tuple(CRM_DATASETS)
FINANCE_SOURCES = ("files", "database")


class SettingError(ValueError):
    """A setting (an environment variable) holds a value the warehouse cannot use. The message
    names the setting, the value and what to set; the command line prints it and stops."""


def _choice(name: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, choices[0]).strip().lower()
    if value not in choices:
        raise SettingError(
            f"{name}={value!r} is not one of {', '.join(choices)}; set it to one of them or unset it."
        )
    return value


def warehouse_target() -> str:
    """The warehouse engine (also dbt's target): embedded DuckDB (default), PostgreSQL or Spark."""
    return _choice("SALESOPS_TARGET", WAREHOUSE_TARGETS)


def crm_sources() -> tuple[str, ...]:
    """Where CRM data comes from: one or several (comma-separated) of the Salesforce-shaped export
    files (default), the Salesforce API, the HubSpot API, the Zoho CRM API and Zoho's data backup.
    dbt reads the same list (macro crm_systems) to union the systems' canonical CRM entities."""
    value = os.environ.get("SALESOPS_CRM_SOURCE", CRM_SOURCES[0])
    sources = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [source for source in sources if source not in CRM_SOURCES]
    if unknown or not sources:
        raise SettingError(
            f"SALESOPS_CRM_SOURCE={value!r}: {', '.join(unknown) or 'empty'} is not a CRM source; "
            f"name one or several of {', '.join(CRM_SOURCES)}, separated by commas, or unset it."
        )
    for files, api in (("files", "salesforce"), ("zoho_files", "zoho")):
        if {files, api} <= set(sources):
            raise SettingError(
                f"SALESOPS_CRM_SOURCE={value!r}: {files!r} (export files) and {api!r} (the API) load the "
                f"same {CRM_DATASETS[api]} tables; name one of them."
            )
    return sources


def raw_datasets() -> tuple[str, ...]:
    """The raw datasets the configured sources load into."""
    crm = (CRM_DATASETS[source] for source in crm_sources())
    return (*dict.fromkeys(crm), "raw_finance", "raw_plans")


def finance_source() -> str:
    """Where finance data comes from: export files (default) or the ERP database."""
    return _choice("SALESOPS_FINANCE_SOURCE", FINANCE_SOURCES)


def _path_setting(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


def data_dir() -> Path:
    return _path_setting("SALESOPS_DATA_DIR", PROJECT_ROOT / "data")


def exports_dir() -> Path:
    """Folder with `crm/`, `finance/` and `plans/` export files (the demo company by default)."""
    return _path_setting("SALESOPS_EXPORTS_DIR", data_dir() / "demo")


def plans_dir() -> Path:
    return _path_setting("SALESOPS_PLANS_DIR", exports_dir() / "plans")


def warehouse_path() -> Path:
    return _path_setting("SALESOPS_WAREHOUSE_PATH", data_dir() / "warehouse.duckdb")


def _folder_or_url_setting(name: str, default: Path) -> str:
    """A local folder (resolved) or an object-store URL (`s3://bucket/prefix`, `gs://`, `az://`),
    kept as written."""
    value = os.environ.get(name, "")
    return value.rstrip("/") if "://" in value else str(_path_setting(name, default))


def lake_dir() -> str:
    """Spark: the folder or object-store URL where dlt writes raw tables as Parquet."""
    return _folder_or_url_setting("SALESOPS_LAKE_DIR", data_dir() / "lake")


def spark_warehouse_dir() -> str:
    """Spark: where its tables live (Parquet, one folder per table); in local mode also its
    embedded catalog, so a local folder there."""
    return _folder_or_url_setting("SALESOPS_SPARK_WAREHOUSE_DIR", data_dir() / "spark-warehouse")


def dlt_pipelines_dir() -> Path:
    return data_dir() / "dlt"


def serving_dir() -> Path:
    """DuckDB serving files BI reads: `marts.duckdb` for everyone, `finance.duckdb` for pay."""
    return _path_setting("SALESOPS_SERVING_DIR", data_dir() / "serving")


def quality_dir() -> Path:
    """Great Expectations' project (suites, results) and the Data Docs site built on every run."""
    return _path_setting("SALESOPS_QUALITY_DIR", data_dir() / "quality")


# DuckDB's own default (80 %) assumes it is alone on the machine; here it shares it with the
# Dagster process, and BI reads the serving files with DuckDBs of their own. Past the cap most
# joins and sorts spill to disk. Measured (README, "What a run costs"): at demo scale 25, dbt's
# DuckDB held 3.0 GiB under a fifth of a 24 GiB machine and 1.7 GiB under 1.5GB, in the same
# time; at scale 100, 1.5GB made dbt's step about a quarter slower than a fifth.
DUCKDB_MEMORY_LIMIT = "1.5GB"


def duckdb_config() -> dict[str, str]:
    """DuckDB settings for every connection the project opens (dbt's profile reads the same
    variable): a memory cap, past which most joins and sorts spill to disk."""
    return {
        "memory_limit": os.environ.get("SALESOPS_DUCKDB_MEMORY_LIMIT", DUCKDB_MEMORY_LIMIT),
        "preserve_insertion_order": "false",
    }


def dbt_threads(continues_last_build: bool) -> int | None:
    """dbt's threads when the run picks them (None: the profile's, `SALESOPS_DBT_THREADS` or 1
    on DuckDB). A DuckDB build that continues the last one rebuilds a few dozen mostly small
    models and runs their tests, and dbt's own per-node work is about half of it: two threads
    overlap that with the engine's queries (replayed day's builds: 36 -> 30 s at demo scale 10,
    60 -> 52 s at 25, 225 -> 204 s at 100). A first build's large tables would share one memory
    cap: no faster at scale 25, slower at 100 (README, "What a run costs")."""
    if os.environ.get("SALESOPS_DBT_THREADS") or warehouse_target() != "duckdb":
        return None
    return 2 if continues_last_build else None


def _count(name: str, default: int, of_what: str, least: int = 0) -> int:
    """A whole-number setting (`least` or more); unset or empty, `default`."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < least:
        raise SettingError(
            f"{name}={value!r} is not a whole number of {of_what} ({least} or more); "
            f"set one or unset it (default {default})."
        )
    return int(value)


def quality_keep_runs() -> int:
    """How many validation results per suite the quality folder keeps (and Data Docs show)."""
    return _count("SALESOPS_QUALITY_KEEP_RUNS", 30, "validation results kept per suite")


def dbt_keep_runs() -> int:
    """How many folders of dbt invocations (artifacts and dbt's debug log) are kept per kind."""
    return _count("SALESOPS_DBT_KEEP_RUNS", 10, "dbt invocations' folders kept")


def dagster_keep_runs() -> int:
    """How many finished runs Dagster's history keeps, besides those holding an asset's newest
    materialization or a check's newest executions (0: every run)."""
    return _count("SALESOPS_DAGSTER_KEEP_RUNS", 30, "Dagster runs kept, 0 for all")


def run_logs_keep() -> int:
    """How many of the command's run logs (`$SALESOPS_DATA_DIR/logs/run_*.log`) are kept."""
    return _count("SALESOPS_RUN_LOGS_KEEP", 60, "run logs kept")


AS_OF_DATE_VARIABLE = "SALESOPS_AS_OF_DATE"


def as_of_date_setting() -> str:
    """SALESOPS_AS_OF_DATE as set (an ISO date), or empty: the default of the runs' reporting day."""
    return os.environ.get(AS_OF_DATE_VARIABLE, "")


def as_of_date() -> date:
    """The day the marts call "today" and freshness rules: SALESOPS_AS_OF_DATE (the demo's cut) or today."""
    value = as_of_date_setting()
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SettingError(
            f"{AS_OF_DATE_VARIABLE}={value!r} is not a date; set it as YYYY-MM-DD or unset it (today)."
        ) from None


def check() -> None:
    """Read every setting a run reads, so that a bad one stops the command, naming it, before
    anything runs (read first inside a run's step, it failed the step with Python's own words)."""
    warehouse_target()
    crm_sources()
    finance_source()
    for keep in (quality_keep_runs, dbt_keep_runs, dagster_keep_runs, run_logs_keep):
        keep()
    # dbt reads it (profiles.yml), where a word would turn into 0 threads.
    _count("SALESOPS_DBT_THREADS", 1, "dbt threads", least=1)
    as_of_date()


@functools.cache
def reporting_currency() -> str:
    """The currency the marts' `*_reporting` amounts are in (the dbt var `reporting_currency`)."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    return str(project["vars"]["reporting_currency"])
