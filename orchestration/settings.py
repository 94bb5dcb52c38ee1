"""Where things live. One place reads the SALESOPS_* environment settings, at call time.

Every path defaults to a folder of the project (`data/`), so the embedded default needs no setup.
"""

from __future__ import annotations

import os
from pathlib import Path

# orchestration/ sits at the project root; everything else is found from there.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
WAREHOUSE_POOL = "warehouse"


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


def dlt_pipelines_dir() -> Path:
    return data_dir() / "dlt"
