"""The GX runner reports which expectation failed, how many rows, a sample of the rows by key, its
severity, and a Data Docs page; the row-count and recency rules every suite gets."""

from __future__ import annotations

import weakref
from dataclasses import replace
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
import yaml

from expectations.runner import Validation, build_data_docs, declare_batches, run_rules, validate
from expectations.spec import SuiteSpec
from expectations.suites.raw import RAW_SUITES
from orchestration.defs.quality.results import to_check_results
from orchestration.defs.quality.warehouse_reader import suite_query

RAW_OPPORTUNITY = next(s for s in RAW_SUITES if s.name == "raw_salesforce.opportunity")
OPPORTUNITY_KEY = dg.AssetKey(["raw_salesforce", "opportunity"])
TODAY = date(2026, 6, 30)


def results(validation: Validation) -> tuple[dg.AssetCheckResult, dg.AssetCheckResult]:
    """(the blocking check's result, the warnings check's result)."""
    return to_check_results(
        validation,
        dg.AssetCheckKey(OPPORTUNITY_KEY, "opportunity_expectations"),
        dg.AssetCheckKey(OPPORTUNITY_KEY, "opportunity_warnings"),
    )


def check(
    spec: SuiteSpec, frame: pd.DataFrame, quality_dir: Path, previous_rows: int | None = None
) -> Validation:
    """Validate `frame` as the check does: its rules, then the rows through the suite's SQL (here
    on an in-memory DuckDB holding the frame), then GX."""
    rules = run_rules(spec, previous_rows)
    with duckdb.connect() as con:
        con.execute(f'create schema "{spec.schema}"')
        con.execute(f'create table "{spec.schema}"."{spec.table}" as select * from frame')
        # The frame is what a version-aware read already returned.
        rows = con.execute(suite_query(replace(spec, version_column=None))).df()
    return validate(spec, rows, rules, quality_dir, TODAY)


def _raw_opportunities(**overrides: list) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "id": ["006A", "006B", "006C"],
            "account_id": ["001A"] * 3,
            "owner_id": ["005A"] * 3,
            "stage_name": ["Prospecting", "Closed Won", "Closed Lost"],
            "close_date": [date(2026, 7, 1)] * 3,
            "currency_iso_code": ["USD", "EUR", "GBP"],
            "amount": [100.0, 200.0, 300.0],
            "probability": [10, 100, 0],
            "type": ["New Business", "Renewal", "Expansion"],
            "system_modstamp": pd.to_datetime(["2026-06-29", "2026-06-30", "2026-06-28"], utc=True),
        }
    )
    for column, values in overrides.items():
        frame[column] = values
    return frame


@pytest.fixture
def quality_dir(tmp_path: Path) -> Path:
    return tmp_path / "quality"


def test_clean_data_passes_every_expectation_and_writes_data_docs(quality_dir: Path) -> None:
    validation = check(RAW_OPPORTUNITY, _raw_opportunities(), quality_dir, previous_rows=3)
    assert validation.outcomes and all(o.success for o in validation.outcomes)
    assert all(result.passed for result in results(validation))
    # The site is built once per run, after the checks, keeping the newest results per suite.
    assert validation.data_docs_page is not None and not validation.data_docs_page.exists()
    for _ in range(2):
        check(RAW_OPPORTUNITY, _raw_opportunities(), quality_dir, previous_rows=3)
    index = build_data_docs(quality_dir, keep_runs=2)
    assert index is not None and index.exists()
    stored = list((quality_dir / "gx" / "uncommitted" / "validations").rglob("*.json"))
    assert len(stored) == 2
    assert not validation.data_docs_page.exists()  # the oldest result's page went with it
    pages = list((index.parent / "validations").rglob("*.html"))
    assert len(pages) == 2 and "raw_salesforce.opportunity" in pages[0].read_text()


def test_a_later_build_renders_only_the_new_results_and_drops_the_oldest_pages(quality_dir: Path) -> None:
    first, second = (check(RAW_OPPORTUNITY, _raw_opportunities(), quality_dir, 3) for _ in range(2))
    index = build_data_docs(quality_dir, keep_runs=2)
    assert index is not None and first.data_docs_page and second.data_docs_page
    kept_page = second.data_docs_page
    kept_page.write_text("rendered by the first build")  # a page a whole rebuild would overwrite
    third = check(RAW_OPPORTUNITY, _raw_opportunities(amount=[100.0, -5.0, 300.0]), quality_dir, 3)
    assert build_data_docs(quality_dir, keep_runs=2) == index
    assert third.data_docs_page is not None and third.data_docs_page.exists()
    assert "raw_salesforce.opportunity" in third.data_docs_page.read_text()
    assert kept_page.read_text() == "rendered by the first build"
    assert not first.data_docs_page.exists()  # dropped with its result
    links = index.read_text()
    assert third.data_docs_page.parent.name in links and first.data_docs_page.parent.name not in links
    # Nothing new: nothing is rendered.
    before = index.stat().st_mtime_ns
    assert build_data_docs(quality_dir, keep_runs=2) == index and index.stat().st_mtime_ns == before


def test_a_validated_frame_is_let_go_once_its_suite_has_its_result(quality_dir: Path) -> None:
    """A run validates one suite's rows after another in one process: GX's engine kept each
    DataFrame it was given until the process ended (the raw tables' rows were still held while
    dbt ran)."""
    spec = replace(RAW_OPPORTUNITY, recency_column=None)  # GX gets the very frame passed
    frames = [_raw_opportunities(), _raw_opportunities(amount=[100.0, -5.0, 300.0])]
    watched = [weakref.ref(frame) for frame in frames]
    outcomes = [validate(spec, frames.pop(0), run_rules(spec, 3), quality_dir, TODAY) for _ in range(2)]
    # Freed as soon as nothing refers to them (the run collects no garbage cycles between suites).
    assert [ref() for ref in watched] == [None, None]
    # Each suite was validated on its own rows, not a batch kept from before.
    assert [all(o.success for o in validation.outcomes) for validation in outcomes] == [True, False]


def test_suites_declared_together_are_written_once_and_keep_their_batches(quality_dir: Path) -> None:
    """A run declares the batches of the suites it will validate in one write of the GX project;
    validating a declared suite writes the project no more, and declaring more suites later
    leaves the earlier ones' batches (which their validations refer to) as they were."""
    other = next(s for s in RAW_SUITES if s.name == "raw_salesforce.account")
    declare_batches(quality_dir, [RAW_OPPORTUNITY.name])
    project = quality_dir / "gx" / "great_expectations.yml"
    declared = project.read_text()
    assert all(o.success for o in check(RAW_OPPORTUNITY, _raw_opportunities(), quality_dir, 3).outcomes)
    assert project.read_text() == declared
    batch_id = _batch_ids(project)[RAW_OPPORTUNITY.name]
    declare_batches(quality_dir, [RAW_OPPORTUNITY.name, other.name])
    ids = _batch_ids(project)
    assert set(ids) == {RAW_OPPORTUNITY.name, other.name} and ids[RAW_OPPORTUNITY.name] == batch_id
    bad = check(RAW_OPPORTUNITY, _raw_opportunities(amount=[100.0, -5.0, 300.0]), quality_dir, 3)
    assert not all(o.success for o in bad.outcomes)


def _batch_ids(project: Path) -> dict[str, str]:
    """Each asset's batch definition id, as the GX project file holds it."""
    assets = yaml.safe_load(project.read_text())["fluent_datasources"]["warehouse"]["assets"]
    return {name: asset["batch_definitions"]["run"]["id"] for name, asset in assets.items()}


def test_a_blocking_failure_fails_with_counts_and_the_rows_by_key(quality_dir: Path) -> None:
    frame = _raw_opportunities(amount=[100.0, -5.0, 300.0], probability=[10, 100, 150])
    frame.loc[2, "close_date"] = None
    validation = check(RAW_OPPORTUNITY, frame, quality_dir)
    failed = {(o.expectation, o.column): o for o in validation.outcomes if not o.success}
    assert set(failed) == {
        ("expect_column_values_to_be_between", "amount"),
        ("expect_column_values_to_be_between", "probability"),
        ("expect_column_values_to_not_be_null", "close_date"),
    }
    negative = failed[("expect_column_values_to_be_between", "amount")]
    assert negative.unexpected_count == 1
    assert negative.sample == ["amount=-5.0, id=006B"]
    assert failed[("expect_column_values_to_be_between", "probability")].sample == [
        "probability=150, id=006C"
    ]
    blocking, warnings = results(validation)
    assert not blocking.passed and blocking.severity.value == "ERROR"
    assert blocking.metadata["failed_blocking"].value == 3
    assert (
        "| expect_column_values_to_be_between | amount | blocking | 1 | amount=-5.0, id=006B |"
        in blocking.metadata["failures"].value
    )
    assert warnings.passed and warnings.check_name == "opportunity_warnings"


def test_warnings_fail_with_warn_severity_only(quality_dir: Path) -> None:
    # A row count far above the last good run's: a warning.
    validation = check(RAW_OPPORTUNITY, _raw_opportunities(), quality_dir, previous_rows=1000)
    failed = {o.expectation for o in validation.outcomes if not o.success}
    assert failed == {"expect_table_row_count_to_be_between"}
    blocking, warnings = results(validation)
    # The blocking check passes; the warnings check fails with WARN, naming what it warns about.
    assert blocking.passed and blocking.metadata["failed_blocking"].value == 0
    assert not warnings.passed and warnings.severity.value == "WARN"
    assert warnings.metadata["failed_warning"].value == 1
    assert "expect_table_row_count_to_be_between(table)" in (warnings.description or "")


def test_a_part_of_a_table_is_counted_as_the_whole_table(quality_dir: Path) -> None:
    """The changed keys' rows of a table of 1,000 records: the row-count rule (last good run 1,000:
    500 to 2,100 allowed) is judged on 1,000, not on the 3 rows read; on 3 records it warns."""
    rules = run_rules(RAW_OPPORTUNITY, 1000)
    part = validate(RAW_OPPORTUNITY, _raw_opportunities(), rules, quality_dir, TODAY, table_rows=1000)
    assert all(o.success for o in part.outcomes) and part.rows == 1000
    assert "expect_table_row_count_to_be_between" in {o.expectation for o in part.outcomes}
    few = validate(RAW_OPPORTUNITY, _raw_opportunities(), rules, quality_dir, TODAY, table_rows=3)
    assert [(o.expectation, o.severity, o.sample) for o in few.outcomes if not o.success] == [
        ("expect_table_row_count_to_be_between", "warning", ["observed 3"])
    ]


def test_snapshots_that_stop_before_the_reporting_day_warn(quality_dir: Path) -> None:
    """The marts' recency is GX's (the raw feeds' is dbt's source freshness): the newest daily
    snapshot must be within 3 days of the reporting day."""
    from expectations.suites.marts import MART_SUITES

    snapshots = next(s for s in MART_SUITES if s.name == "pipeline.fct_pipeline_snapshots")
    frame = pd.DataFrame(
        {
            "snapshot_date": [date(2026, 6, 20), date(2026, 6, 26)],
            "opportunity_id": ["006A", "006A"],
            "amount_reporting": [100.0, 100.0],
            "weighted_amount_reporting": [10.0, 10.0],
        }
    )
    validation = check(replace(snapshots, slice_column=None), frame, quality_dir)
    (failed,) = [o for o in validation.outcomes if not o.success]
    assert (failed.expectation, failed.severity) == ("expect_column_min_to_be_between", "warning")


def test_the_suites_leave_keys_references_and_accepted_values_to_dbt() -> None:
    """One owner per rule: a raw suite checks required fields and ranges, never the key, a value
    list or a parent table again (dbt's staging tests do)."""
    from expectations.suites.marts import MART_SUITES

    owned_by_dbt = {
        "ExpectColumnValuesToBeUnique",
        "ExpectCompoundColumnsToBeUnique",
        "ExpectColumnValuesToBeInSet",
    }
    for suite in (*RAW_SUITES, *MART_SUITES):
        classes = {expectation.gx_class for expectation, _ in suite.rules}
        assert not classes & owned_by_dbt, suite.name
        not_null = {
            e.kwargs["column"] for e, _ in suite.rules if e.gx_class == "ExpectColumnValuesToNotBeNull"
        }
        if suite.schema.startswith("raw_"):
            assert not not_null & set(suite.key), suite.name
    assert {e.kwargs["column"] for e, _ in RAW_OPPORTUNITY.rules} >= {"close_date", "amount", "probability"}


def test_attainment_is_implausible_over_a_quota_period_not_over_a_month(quality_dir: Path) -> None:
    """1,590 % in a month is a new hire's few days of quota met by one deal; over a quarter it is
    a misplaced decimal or a missing quota, and warns."""
    from expectations.suites.marts import MART_SUITES

    attainment = next(s for s in MART_SUITES if s.name == "quota.fct_quota_attainment")
    frame = pd.DataFrame(
        {
            "attainment_id": ["a1", "a2", "a3"],
            "period_grain": ["month", "quarter", "quarter"],
            "member_id": ["005A"] * 3,
            "attainment_level": ["rep"] * 3,
            "quota_amount": [8241.76, 25000.0, 25000.0],
            "bookings_credited": [131062.0, 397500.0, 30000.0],
            "attainment_pct": [1590.22, 1590.0, 120.0],
        }
    )
    validation = check(attainment, frame, quality_dir)
    failed = [
        (o.column, o.severity, o.unexpected_count, o.sample) for o in validation.outcomes if not o.success
    ]
    assert failed == [("attainment_pct", "warning", 1, ["attainment_pct=1590.0, attainment_id=a2"])]


def test_a_check_run_alone_validates_its_suite_and_reports_only_that_check(demo_warehouse: Path) -> None:
    """A layer's suites share one step; a run that selects one check (executed alone in the UI,
    or a source's job) validates that suite and reports that check only, warnings check included."""
    from orchestration.definitions import defs

    key = dg.AssetCheckKey(dg.AssetKey(["pipeline", "fct_opportunities"]), "fct_opportunities_warnings")
    job = dg.define_asset_job("one_check", selection=dg.AssetSelection.checks(key))
    result = (
        dg.Definitions.merge(defs, dg.Definitions(jobs=[job]))
        .resolve_job_def("one_check")
        .execute_in_process()
    )
    assert result.success
    assert [(e.asset_key, e.check_name) for e in result.get_asset_check_evaluations()] == [
        (key.asset_key, key.name)
    ]
