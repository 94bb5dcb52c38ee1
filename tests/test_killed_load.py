"""A load killed with SIGKILL part way and run again ends like an uninterrupted one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingestion.salesforce.objects import CRM_TABLES
from orchestration.settings import PROJECT_ROOT
from tests.fake_apis.salesforce import FakeSalesforce, org_from_exports
from tests.fake_apis.server import Request
from tests.raw_tables import row_counts


@pytest.fixture
def org(demo_exports: Path) -> Iterator[FakeSalesforce]:
    server = FakeSalesforce(org_from_exports(demo_exports / "crm"), page_size=200)
    yield server
    server.close()


def _loader(org: FakeSalesforce, workdir: Path, mode: str = "run") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.load_salesforce", org.url, str(workdir), mode],
        cwd=PROJECT_ROOT,
        env={**os.environ, "RUNTIME__LOG_LEVEL": "WARNING"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _assert_complete_and_unique(org: FakeSalesforce, workdir: Path) -> None:
    counts = row_counts(workdir / "warehouse.duckdb", "raw_salesforce")
    for spec in CRM_TABLES:
        rejected = counts.get(f"{spec.name}__rejected", 0)
        assert counts[spec.name] + rejected == len(org.org[spec.origin]), spec.origin
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        for table in ("opportunity", "task", "opportunity_history", "account"):
            total, distinct = con.execute(
                f"select count(*), count(distinct id) from raw_salesforce.{table}"
            ).fetchone()
            assert total == distinct, f"duplicate keys in {table}"


def test_killed_in_the_middle_of_extracting_then_rerun(org: FakeSalesforce, tmp_path: Path) -> None:
    # Once tasks are being read, hold the third page request until the loader is killed: by then
    # several objects are part-way extracted (dlt reads resources round-robin).
    task_pages = {"seen": 0}

    def hold_third_task_page(request: Request) -> float:
        if "FROM Task" in request.query.get("q", [""])[0] or (
            "/query/" in request.path and task_pages["seen"]
        ):
            task_pages["seen"] += 1
            if task_pages["seen"] == 3:
                return 30.0
        return 0.0

    org.delay_when = hold_third_task_page
    loader = _loader(org, tmp_path)
    deadline = time.monotonic() + 120
    while task_pages["seen"] < 3 and time.monotonic() < deadline and loader.poll() is None:
        time.sleep(0.05)
    assert task_pages["seen"] == 3, loader.communicate()[0].decode()[-2000:]
    loader.kill()
    loader.wait()
    org.delay_when = lambda request: 0.0

    rerun = _loader(org, tmp_path)
    output = rerun.communicate(timeout=300)[0].decode()
    assert rerun.returncode == 0, output[-3000:]
    _assert_complete_and_unique(org, tmp_path)


def test_killed_between_normalize_and_load_then_rerun(org: FakeSalesforce, tmp_path: Path) -> None:
    killed = _loader(org, tmp_path, "stop-after-normalize")
    killed.communicate(timeout=300)
    assert killed.returncode == -9
    assert not (tmp_path / "warehouse.duckdb").exists() or "opportunity" not in row_counts(
        tmp_path / "warehouse.duckdb", "raw_salesforce"
    )

    rerun = _loader(org, tmp_path)
    output = rerun.communicate(timeout=300)[0].decode()
    assert rerun.returncode == 0, output[-3000:]
    _assert_complete_and_unique(org, tmp_path)
