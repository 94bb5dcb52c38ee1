"""A setting with a value the warehouse cannot use stops `salesops run` before anything runs, in
one line naming the setting, its value and what to set. (A word in SALESOPS_DBT_KEEP_RUNS used to
fail the run's dbt freshness step, the log saying only "invalid literal for int()".)"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration import settings
from orchestration.cli import main

BAD_SETTINGS = (
    ("SALESOPS_DBT_KEEP_RUNS", "ten", "is not a whole number of dbt invocations' folders kept"),
    ("SALESOPS_DAGSTER_KEEP_RUNS", "-3", "is not a whole number of Dagster runs kept"),
    ("SALESOPS_QUALITY_KEEP_RUNS", "2.5", "is not a whole number of validation results"),
    ("SALESOPS_RUN_LOGS_KEEP", "all", "is not a whole number of run logs kept"),
    ("SALESOPS_DBT_THREADS", "0", "is not a whole number of dbt threads (1 or more)"),
    ("SALESOPS_AS_OF_DATE", "2026-13-01", "is not a date; set it as YYYY-MM-DD"),
    ("SALESOPS_TARGET", "oracle", "is not one of duckdb, postgres, spark"),
    ("SALESOPS_CRM_SOURCE", "pipedrive", "pipedrive is not a CRM source"),
)


@pytest.mark.parametrize(("name", "value", "message"), BAD_SETTINGS, ids=[name for name, *_ in BAD_SETTINGS])
def test_a_bad_setting_stops_the_run_before_it_starts_naming_it(
    name: str,
    value: str,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SALESOPS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv(name, value)
    assert main(["run"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"salesops run: {name}={value!r}") and message in line, line
    # Nothing ran: no demo written, no run log, no Dagster run.
    assert not (tmp_path / "data").exists() and not (tmp_path / "dagster_home").exists()


def test_unset_or_empty_counts_take_their_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SALESOPS_DBT_KEEP_RUNS", raising=False)
    monkeypatch.setenv("SALESOPS_RUN_LOGS_KEEP", " ")
    monkeypatch.setenv("SALESOPS_DAGSTER_KEEP_RUNS", "0")
    assert (settings.dbt_keep_runs(), settings.run_logs_keep(), settings.dagster_keep_runs()) == (10, 60, 0)


def test_the_dagster_definitions_fail_to_load_naming_a_bad_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """`dagster dev` and the daemon's schedules load the definitions, not the command line."""
    from orchestration.definitions import build_definitions

    monkeypatch.setenv("SALESOPS_DBT_KEEP_RUNS", "ten")
    with pytest.raises(settings.SettingError, match="SALESOPS_DBT_KEEP_RUNS='ten' is not a whole number"):
        build_definitions()
