"""One small demo warehouse per test session, built by the real pipeline and shared."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

SESSION_AS_OF = date(2026, 6, 30)
SESSION_SCALE = "0.1"


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Runs `orchestration.cli run` (demo → dlt → dbt build → GX checks) into a temp folder."""
    data_dir = tmp_path_factory.mktemp("salesops")
    previous = {
        k: os.environ.get(k) for k in ("SALESOPS_DATA_DIR", "DAGSTER_HOME", "SALESOPS_WAREHOUSE_PATH")
    }
    os.environ["SALESOPS_DATA_DIR"] = str(data_dir)
    os.environ["DAGSTER_HOME"] = str(data_dir / "dagster_home")
    os.environ.pop("SALESOPS_WAREHOUSE_PATH", None)
    from orchestration.cli import main

    exit_code = main(["run", "--scale", SESSION_SCALE, "--as-of", SESSION_AS_OF.isoformat()])
    assert exit_code == 0, "the full pipeline run failed; see the captured output"
    yield data_dir
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
