"""Write-audit-publish on DuckDB, on a copy of the session's demo warehouse:

- a BI reader querying the serving file in a loop through a whole full run never fails and never
  sees two run ids in one query;
- a bad batch (duplicate opportunity id, unknown currency, unknown owner) fails dbt's blocking
  key, currency and reference tests, the models downstream are not built, the command line names
  each rule, the failing rows by key and the field, and the serving file is unchanged. (A batch
  failing a GX rule on a raw table stops before dbt: tests/test_quality_gate_postgres.py.)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SESSION_AS_OF

READER = Path(__file__).with_name("serving_reader.py")


@pytest.fixture(scope="module")
def copied_data_dir(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("gate") / "data"
    shutil.copytree(demo_warehouse, data_dir)
    return data_dir


def run_cli(data_dir: Path, as_of: date = SESSION_AS_OF) -> subprocess.CompletedProcess[str]:
    """`salesops run` in its own process, as a data engineer runs it, on the copied folder."""
    env = {
        **os.environ,
        "SALESOPS_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(data_dir / "dagster_home"),
        # The demo files already exist: run on them as a real export folder, with the demo's cut.
        "SALESOPS_EXPORTS_DIR": str(data_dir / "demo"),
        "SALESOPS_AS_OF_DATE": as_of.isoformat(),
        "SALESOPS_RUN_LOGS_KEEP": "2",
    }
    env.pop("SALESOPS_WAREHOUSE_PATH", None)
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _serving_run_ids(serving_file: Path) -> set[str]:
    with duckdb.connect(str(serving_file), read_only=True) as connection:
        rows = connection.execute("select distinct _run_id from pipeline.fct_opportunities").fetchall()
        return {row[0] for row in rows}


def test_a_reader_never_fails_nor_sees_a_mix_during_a_full_run(copied_data_dir: Path, tmp_path: Path) -> None:
    serving_file = copied_data_dir / "serving" / "marts.duckdb"
    next_day = SESSION_AS_OF + timedelta(days=1)
    (before,) = _serving_run_ids(serving_file)
    old_log = copied_data_dir / "logs" / "run_20000101_000000.log"
    old_log.parent.mkdir(exist_ok=True)
    old_log.write_text("a run long ago")
    stop, out = tmp_path / "stop", tmp_path / "reads.jsonl"
    reader = subprocess.Popen([sys.executable, str(READER), str(serving_file), str(stop), str(out)])
    try:
        time.sleep(1)
        # A day later: the marts change (ages, open periods), so the run publishes. One account
        # was renamed that day; nothing else in the exports changed.
        _rename_an_account(copied_data_dir / "demo", next_day)
        run = run_cli(copied_data_dir, next_day)
        assert run.returncode == 0, run.stderr[-3000:]
        time.sleep(1)
    finally:
        stop.touch()
        reader.wait(timeout=30)
    reads = [json.loads(line) for line in out.read_text().splitlines()]
    errors = [read["error"] for read in reads if "error" in read]
    assert errors == []
    assert all(len(read["run_ids"]) == 1 for read in reads)
    seen = [read["run_ids"][0] for read in reads]
    (after,) = _serving_run_ids(serving_file)
    assert after != before
    # The reader read through the swap: the old publication first, the new one at the end.
    assert seen[0] == before and seen[-1] == after
    assert len(reads) > 50
    # The same code a day later: the views are kept, except those whose query embeds the as-of
    # date; what reads the as-of date or the accounts is built again, and tested (the tests of
    # a kept view too); what reads neither is left as the last build left it (a mart reported
    # unchanged, its tests' results reused).
    reported, tests = _dbt_models_reported(copied_data_dir), _dbt_test_results_of_latest_run(copied_data_dir)
    assert {"int_calendar_days", "fct_opportunities", "dim_accounts"} <= set(reported), reported
    assert "stg_salesforce__accounts" not in reported and "int_crm_opportunities" not in reported
    assert tests["primary_key_stg_salesforce__accounts_account_id"] is False  # ran on the new rows
    assert tests["not_null_fct_commission_lines_opportunity_id"] is True  # reused
    assert _dbt_models_rebuilt(copied_data_dir)[1] > 0
    assert "models and tests read nothing that changed" in _latest_run_log(copied_data_dir)
    # A build that continues the last one runs two dbt threads (a first build, the profile's one:
    # test_unaffected_nodes).
    assert _dbt_threads(_latest_run_log(copied_data_dir)) == "2"
    # Once more with no new data: dbt rebuilds nothing, every suite and every mart's dbt test
    # reuses its last result (staging and intermediate models keep their last build: not
    # repeated), and the serving stores are left as published (same file, same run id).
    published = _sha256(serving_file)
    run = run_cli(copied_data_dir, next_day)
    assert run.returncode == 0, run.stderr[-3000:]
    reused, validated = _gx_checks_of_latest_run(copied_data_dir)
    assert len(reused) > 30 and validated == set(), sorted(validated)
    rebuilt, unchanged = _dbt_models_rebuilt(copied_data_dir)
    assert rebuilt == 0 and unchanged > 15
    assert _sha256(serving_file) == published and _serving_run_ids(serving_file) == {after}
    dbt_tests = _dbt_test_results_of_latest_run(copied_data_dir)
    assert len(dbt_tests) > 50 and all(dbt_tests.values()), dbt_tests
    assert not any(model.startswith(("stg_", "int_")) for model in _dbt_models_reported(copied_data_dir))
    # The terminal gets one line per phase and the summary; the full log goes to a file.
    assert len(run.stdout.splitlines()) <= 80, run.stdout
    phases = [line.split()[0] for line in run.stdout.splitlines() if line.endswith(" s)")]
    assert {"load", "dbt", "publish"} <= set(phases), run.stdout
    assert "models unchanged since the last build" in run.stdout
    log = Path(run.stdout.split("Full log: ")[1].splitlines()[0])
    # Two run logs are kept (SALESOPS_RUN_LOGS_KEEP): this run's and the one before; older ones went.
    assert sorted(log.parent.glob("run_*.log"))[-1] == log and len(list(log.parent.glob("run_*.log"))) == 2
    assert not old_log.exists()
    assert "STEP_SUCCESS" in log.read_text() and "STEP_SUCCESS" not in run.stdout + run.stderr
    assert "emitted no result" not in log.read_text()


def _latest_run_events(data_dir: Path, event_type: str) -> list:
    """The event log entries of one type (a DagsterEventType name) of the newest run."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(data_dir / "dagster_home")) as instance:
        (run,) = instance.get_runs(limit=1)
        records = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType[event_type]).records
    return [record.event_log_entry for record in records]


def _dbt_test_results_of_latest_run(data_dir: Path) -> dict[str, bool]:
    """dbt tests reported by the newest run: name -> reused from an earlier run."""
    evaluations = [
        entry.dagster_event.event_specific_data
        for entry in _latest_run_events(data_dir, "ASSET_CHECK_EVALUATION")
        if entry.step_key == "warehouse_dbt_assets"
    ]
    return {e.check_name: "reused_from_run" in e.metadata for e in evaluations}


def _dbt_models_rebuilt(data_dir: Path) -> tuple[int, int]:
    """(models rebuilt, models reported unchanged) by the dbt step of the newest run."""
    dbt_steps = [
        entry
        for entry in _latest_run_events(data_dir, "ASSET_MATERIALIZATION")
        if entry.step_key == "warehouse_dbt_assets"
    ]
    unchanged = sum(
        "dbt" in entry.dagster_event.event_specific_data.materialization.metadata for entry in dbt_steps
    )
    return len(dbt_steps) - unchanged, unchanged


def _rename_an_account(exports: Path, day: date) -> None:
    """A new version of the first account in the exports, renamed on `day`, in a file of its own."""
    header, first = (exports / "crm" / "Account" / "2022-01.csv").read_text().splitlines()[:2]
    row = dict(zip(header.split(","), first.split(","), strict=True))
    stamp = f"{day.isoformat()}T09:00:00.000Z"
    row |= {"Name": f"{row['Name']} Renamed", "LastModifiedDate": stamp, "SystemModstamp": stamp}
    (exports / "crm" / "Account" / "renamed.csv").write_text(f"{header}\n{','.join(row.values())}\n")


def _dbt_threads(run_log: str) -> str | None:
    """The --threads the run's `dbt build` was given (None: none, the profile's)."""
    (command,) = re.findall(r"Running dbt command: `([^`]* build [^`]*)`", run_log)
    found = re.search(r" --threads (\d+)", command)
    return found.group(1) if found else None


def _latest_run_log(data_dir: Path) -> str:
    return sorted((data_dir / "logs").glob("run_*.log"))[-1].read_text()


def _dbt_models_reported(data_dir: Path) -> list[str]:
    """The models the dbt step of the newest run reported a materialization for."""
    return [
        entry.dagster_event.asset_key.path[-1]
        for entry in _latest_run_events(data_dir, "ASSET_MATERIALIZATION")
        if entry.step_key == "warehouse_dbt_assets"
    ]


def _gx_checks_of_latest_run(data_dir: Path) -> tuple[set[str], set[str]]:
    """(reused, validated) Great Expectations checks of the newest run, as asset/check names."""
    reused, validated = set(), set()
    for entry in _latest_run_events(data_dir, "ASSET_CHECK_EVALUATION"):
        evaluation = entry.dagster_event.event_specific_data
        if not evaluation.check_name.endswith("_expectations"):
            continue
        name = f"{'_'.join(evaluation.asset_key.path)}.{evaluation.check_name}"
        (reused if "reused_from_run" in evaluation.metadata else validated).add(name)
    return reused, validated


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_bad_batch_is_stopped_by_blocking_checks_and_serving_is_unchanged(copied_data_dir: Path) -> None:
    serving = copied_data_dir / "serving"
    checksums = {name: _sha256(serving / name) for name in ("marts.duckdb", "finance.duckdb")}
    with duckdb.connect(str(copied_data_dir / "warehouse.duckdb")) as connection:
        table = "raw_salesforce.opportunity"
        duplicated = connection.execute(f"select id from {table} order by id limit 1").fetchone()[0]
        # A loader that bypassed the merge: one id and version twice, a currency nobody rates, an
        # owner the CRM does not know.
        connection.execute(
            f"insert into {table} select * replace (amount + 1 as amount) from {table} where id = ?",
            [duplicated],
        )
        (unrated,) = connection.execute(f"select max(id) from {table}").fetchone()
        connection.execute(f"update {table} set currency_iso_code = 'XXX' where id = ?", [unrated])
        (orphaned,) = connection.execute(f"select max(id) from {table} where id < ?", [unrated]).fetchone()
        connection.execute(f"update {table} set owner_id = '005GONE' where id = ?", [orphaned])
        # A failures view an older build (or `dbt test --store-failures` by hand) left behind.
        connection.execute("create schema dbt_test__audit")
        connection.execute("create view dbt_test__audit.primary_key_old_failures as select 1 as id")
    run = run_cli(copied_data_dir)
    assert run.returncode == 1
    message = run.stderr
    assert "nothing was published" in message
    # dbt owns the key, the currency list and the reference: GX's raw suites pass, once each rule.
    assert "opportunity_expectations" not in message, message
    staging = "staging/stg_salesforce__opportunities"
    assert f"{staging} / primary_key_stg_salesforce__opportunities_opportunity_id" in message, message
    assert f"primary_key | opportunity_id | blocking | 1 | opportunity_id={duplicated}, n_records=2" in (
        message
    )
    assert f"has_fx_rate | currency_code | blocking | 1 | opportunity_id={unrated}," in message
    assert "currency_code=XXX" in message
    assert f"relationships | owner_id | blocking | 1 | opportunity_id={orphaned}," in message
    assert "owner_id=005GONE" in message
    # The samples came from the tests' compiled queries: no test stores a failures view, and the
    # stale one is gone, not shown as current.
    with duckdb.connect(str(copied_data_dir / "warehouse.duckdb"), read_only=True) as connection:
        assert connection.execute(
            "select count(*) from duckdb_schemas() where schema_name = 'dbt_test__audit'"
        ).fetchone() == (0,)
    assert {name: _sha256(serving / name) for name in checksums} == checksums
    # The changed table was validated again, not served its last (passing) result.
    _, validated = _gx_checks_of_latest_run(copied_data_dir)
    assert "raw_salesforce_opportunity.opportunity_expectations" in validated
