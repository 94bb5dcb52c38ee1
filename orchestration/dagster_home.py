"""The Dagster instance the command line records its runs in: DAGSTER_HOME, else the project's
`.dagster_home` (what `make ui` shows), with the project's dagster.yaml."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg

from orchestration import settings


def dagster_home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or settings.PROJECT_ROOT / ".dagster_home")


def open_instance() -> dg.DagsterInstance:
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(settings.PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    return dg.DagsterInstance.from_config(str(home))
