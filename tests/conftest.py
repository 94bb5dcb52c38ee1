"""One small demo warehouse per test session, built by the real pipeline and shared."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

SESSION_AS_OF = date(2026, 6, 30)
SESSION_SCALE = "0.1"
SESSION_PII_SALT = "session-salt-7f3e9a"
# An API token in the environment, as production has it (every test passes its own explicitly).
SESSION_FAKE_SECRETS = {"SOURCES__HUBSPOT__ACCESS_TOKEN": "fake-hubspot-token-9b2e"}


SESSION_SETTINGS = (
    "SALESOPS_DATA_DIR",
    "DAGSTER_HOME",
    "SALESOPS_WAREHOUSE_PATH",
    "SALESOPS_AS_OF_DATE",
    "SALESOPS_PII_SALT",
    *SESSION_FAKE_SECRETS,
)


def _use_data_dir(data_dir: Path) -> None:
    """The session's settings, as a data engineer exports them: later tests start dbt and Dagster
    processes of their own on this warehouse and this day."""
    os.environ["SALESOPS_DATA_DIR"] = str(data_dir)
    os.environ["SALESOPS_PII_SALT"] = SESSION_PII_SALT  # a secret the tests look for in files
    os.environ.update(SESSION_FAKE_SECRETS)  # API secrets in the environment, as in production
    os.environ["DAGSTER_HOME"] = str(data_dir / "dagster_home")
    os.environ["SALESOPS_WAREHOUSE_PATH"] = str(data_dir / "warehouse.duckdb")
    os.environ["SALESOPS_AS_OF_DATE"] = SESSION_AS_OF.isoformat()


def _build_demo_warehouse(data_dir: Path) -> None:
    """`orchestration.cli run` (demo → dlt → dbt build → GX checks → publish) into `data_dir`."""
    from orchestration.cli import main

    _use_data_dir(data_dir)
    exit_code = main(["run", "--scale", SESSION_SCALE, "--as-of", SESSION_AS_OF.isoformat()])
    assert exit_code == 0, "the full pipeline run failed; see the captured output"


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The session's demo warehouse, built by the real pipeline. Under xdist the first worker to
    ask builds it once for all, and each worker gets its own copy (tests write to it): the
    workers would otherwise build it side by side, each at half the machine."""
    previous = {key: os.environ.get(key) for key in SESSION_SETTINGS}
    data_dir = tmp_path_factory.mktemp("salesops")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # The workers' temp folders share a parent that is new for each test session.
        shared = tmp_path_factory.getbasetemp().parent / "shared_demo_warehouse"
        with open(shared.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (shared / ".built").exists():
                shutil.rmtree(shared, ignore_errors=True)
                _build_demo_warehouse(shared)
                (shared / ".built").touch()
        shutil.copytree(shared, data_dir, dirs_exist_ok=True)
        _use_data_dir(data_dir)
    else:
        _build_demo_warehouse(data_dir)
    yield data_dir
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


# Seconds of a worker each file over half a minute took (twenty-eighth session, `make test` on
# two cores; refresh from `--durations` when the order below stops balancing the workers).
MEASURED_SECONDS = {
    "tests/test_compensation_closing.py": 120,
    "tests/test_killed_runs.py": 110,
    "tests/test_hubspot_marts.py": 90,
    "tests/test_quality_gate.py": 90,
    "tests/test_full_run.py": 70,
    "tests/test_spark_target.py": 60,
    "tests/test_engine_parity.py": 50,
    "tests/test_zoho_marts.py": 50,
    "tests/test_pipeline_quota_hand_worked.py": 40,
    "tests/test_zoho_source.py": 40,
    "tests/test_zoho_backup.py": 30,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Test files in the order two workers finish soonest (`make test` passes `--dist loadfile
    --no-loadscope-reorder`, so xdist hands them out in this order): first a file that reads the
    demo warehouse, whose worker builds it (about a minute); then every file that does not read
    it, so the other worker does not sit waiting for the build; then the other files that read
    it. Within each, the longest first (MEASURED_SECONDS, then more tests first), so that no
    long file is left to run alone at the end: xdist's own order (more tests first) left the
    killed-runs and quality-gate files (two tests each, three minutes together) to one worker
    at the end, 100 s after the other had finished."""
    tests_in: dict[str, int] = {}
    reads_demo: set[str] = set()
    for item in items:
        tests_in[item.location[0]] = tests_in.get(item.location[0], 0) + 1
        if "demo_warehouse" in getattr(item, "fixturenames", ()):
            reads_demo.add(item.location[0])
    builder = min(reads_demo, key=lambda name: (-tests_in[name], name), default=None)

    def order(item: pytest.Item) -> tuple[int, int, int, str]:
        name = item.location[0]
        group = 0 if name == builder else 2 if name in reads_demo else 1
        return group, -MEASURED_SECONDS.get(name, 0), -tests_in[name], name

    items.sort(key=order)  # stable: a file's tests keep their order


@pytest.fixture(scope="session")
def demo_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo company's export files (crm/, finance/, plans/), for the connector tests."""
    from ingestion.demo_company.company import generate

    out = tmp_path_factory.mktemp("demo_exports")
    generate(out, seed=7, as_of=date(2026, 3, 31), scale=0.05)
    return out


def require_java() -> None:
    """Spark runs in local mode on Java: skip without it, except in CI, where it fails."""
    import shutil

    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("Java is required in CI for the Spark target (Spark runs in local mode)")
        pytest.skip("no Java: Spark cannot run in local mode here")


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    """The local PostgreSQL (127.0.0.1:5432, trust auth). Skips without it, except in CI, where it fails."""
    import psycopg2

    dsn = os.environ.get("SALESOPS_TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
    try:
        psycopg2.connect(dsn, connect_timeout=3).close()
    except psycopg2.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and is not reachable at {dsn!r}: {error}")
        pytest.skip(f"PostgreSQL not reachable at {dsn!r} ({error}); .ci/run starts it")
    return dsn


@pytest.fixture
def pg_schema(postgres_dsn: str) -> Iterator[str]:
    """A fresh, uniquely named schema, dropped afterwards."""
    import uuid

    import psycopg2

    name = f"test_{uuid.uuid4().hex[:10]}"
    with psycopg2.connect(postgres_dsn) as con, con.cursor() as cur:
        cur.execute(f"create schema {name}")
    yield name
    with psycopg2.connect(postgres_dsn) as con, con.cursor() as cur:
        cur.execute(f"drop schema {name} cascade")


@contextmanager
def fresh_pg_database(dsn: str, prefix: str) -> Iterator[str]:
    """A new, uniquely named database on the server, dropped (open connections too) afterwards."""
    import uuid

    import psycopg2

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(dsn)
    admin.autocommit = True
    try:
        admin.cursor().execute(f"create database {name}")
        yield name
    finally:
        admin.cursor().execute(f"drop database if exists {name} with (force)")
        admin.close()


@pytest.fixture
def dlt_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """What dlt logs during the test: its logger does not propagate to pytest's."""
    logger = logging.getLogger("dlt")
    logger.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)
