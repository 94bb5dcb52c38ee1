"""Dagster's history keeps the newest runs and every older run something still reads: an asset's
or a partition's newest materialization, a check's newest executions. The rest go, with their
event files, check executions and compute logs. On the project's own instance (its SQLite
storage) and on PostgreSQL's, with toy assets run in process."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.runs import SqliteRunStorage
from psycopg2.extensions import parse_dsn

from orchestration import settings
from orchestration.defs.automation.history import history_pruned_after_success
from orchestration.defs.quality.results import EXECUTIONS_READ
from orchestration.run_history import prune_run_history
from tests.conftest import fresh_pg_database

MONTHS = dg.MonthlyPartitionsDefinition(start_date="2025-01-01")


@dg.asset(partitions_def=MONTHS)
def closed_month() -> None:
    """Materialized once when its month closes, never again."""


@dg.asset
def daily() -> None:
    pass


@dg.asset_check(asset=daily)
def daily_ok() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


@dg.asset
def other() -> None:
    pass


DEFS = dg.Definitions(assets=[closed_month, daily, other], asset_checks=[daily_ok])


@pytest.fixture(params=["sqlite", "postgres"])
def instance(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dg.DagsterInstance]:
    """The project's instance on its default SQLite storage, and on PostgreSQL (dagster.postgres.yaml)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    if request.param == "sqlite":
        shutil.copyfile(settings.PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
        with dg.DagsterInstance.from_config(str(home)) as instance:
            yield instance
        return
    dsn = request.getfixturevalue("postgres_dsn")  # skips without PostgreSQL, except in CI
    params = parse_dsn(dsn)
    credentials = ":".join(part for part in (params.get("user", "postgres"), params.get("password")) if part)
    server = f"{params.get('host', '127.0.0.1')}:{params.get('port', '5432')}"
    with fresh_pg_database(dsn, "history") as database:
        monkeypatch.setenv("DAGSTER_PG_URL", f"postgresql+psycopg2://{credentials}@{server}/{database}")
        shutil.copyfile(settings.PROJECT_ROOT / "dagster.postgres.yaml", home / "dagster.yaml")
        with dg.DagsterInstance.from_config(str(home)) as instance:
            yield instance


def run(instance: dg.DagsterInstance, *assets: dg.AssetsDefinition, partition: str | None = None) -> str:
    checks = [daily_ok] if daily in assets else []
    result = dg.materialize([*assets, *checks], instance=instance, partition_key=partition)
    assert result.success
    return result.run_id


def test_old_runs_go_unless_they_hold_a_newest_materialization_or_check_execution(
    instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    months = [run(instance, closed_month, partition=month) for month in ("2025-01-01", "2025-02-01")]
    other_first = run(instance, other)
    checked = [run(instance, daily) for _ in range(EXECUTIONS_READ + 2)]
    other_last = run(instance, other)
    events_dir = tmp_path / "dagster_home" / "history" / "runs"  # SQLite's: a file per run
    logs_dir = tmp_path / "dagster_home" / "storage"
    assert (logs_dir / other_first).exists()
    assert (events_dir / f"{other_first}.db").exists() == isinstance(instance.run_storage, SqliteRunStorage)

    pruned = prune_run_history(instance, DEFS.resolve_asset_graph(), keep_runs=2)

    # Kept: the newest two (the last check run, the last `other` run); each closed month's run
    # (January's is not the asset's newest materialization, only its partition's); the check's
    # newest executions. Deleted: the first `other` run and the two oldest
    # check runs, whose materializations and executions are superseded.
    gone = [other_first, *checked[:2]]
    assert (pruned.deleted, pruned.held) == (3, 2 + EXECUTIONS_READ - 1)
    assert set(instance.get_run_ids()) == {*months, *checked[2:], other_last}
    for run_id in gone:
        assert not (events_dir / f"{run_id}.db").exists() and not (logs_dir / run_id).exists()
    # What is read later is still there.
    assert instance.get_materialized_partitions(closed_month.key) == {"2025-01-01", "2025-02-01"}
    assert instance.get_latest_materialization_event(other.key).run_id == other_last
    history = instance.event_log_storage.get_asset_check_execution_history(daily_ok.check_key, limit=100)
    assert [record.run_id for record in history] == checked[:1:-1]
    # Nothing more to delete the next time.
    assert prune_run_history(instance, DEFS.resolve_asset_graph(), keep_runs=2).deleted == 0


def test_keep_zero_keeps_every_run_and_the_sensor_prunes_after_a_success(
    instance: dg.DagsterInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, *_, last = [run(instance, other) for _ in range(3)]
    assert prune_run_history(instance, DEFS.resolve_asset_graph(), keep_runs=0).deleted == 0
    monkeypatch.setenv("SALESOPS_DAGSTER_KEEP_RUNS", "1")
    success = instance.get_records_for_run(last, of_type=dg.DagsterEventType.RUN_SUCCESS).records[0]
    context = dg.build_run_status_sensor_context(
        sensor_name=history_pruned_after_success.name,
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(last),
        dagster_event=success.event_log_entry.dagster_event,
        repository_def=DEFS.get_repository_def(),
    )
    history_pruned_after_success(context)
    assert instance.get_run_ids() == [last]
    assert first not in instance.get_run_ids()
