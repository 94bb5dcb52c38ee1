"""The GX runner reports which expectation failed, how many rows, a sample of the rows by key, its
severity, and a Data Docs page; the row-count and recency rules every suite gets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from expectations.runner import Validation, build_data_docs, run_rules, validate
from expectations.spec import SuiteSpec, references
from expectations.suites.raw import RAW_SUITES
from orchestration.defs.quality.results import to_check_results
from orchestration.defs.quality.warehouse_reader import suite_query

RAW_OPPORTUNITY = next(s for s in RAW_SUITES if s.name == "raw_salesforce.opportunity")
OPPORTUNITY_KEY = dg.AssetKey(["raw_salesforce", "opportunity"])
TODAY = date(2026, 6, 30)
PARENTS = {
    ("raw_finance", "fx_rates", "from_currency"): ["EUR", "GBP"],
    ("raw_finance", "fx_rates", "to_currency"): ["USD"],
    ("raw_salesforce", "user", "id"): ["005A"],
    ("raw_salesforce", "account", "id"): ["001A"],
}


def results(validation: Validation) -> tuple[dg.AssetCheckResult, dg.AssetCheckResult]:
    """(the blocking check's result, the warnings check's result)."""
    return to_check_results(
        validation,
        dg.AssetCheckKey(OPPORTUNITY_KEY, "opportunity_expectations"),
        dg.AssetCheckKey(OPPORTUNITY_KEY, "opportunity_warnings"),
    )


def check(
    spec: SuiteSpec,
    frame: pd.DataFrame,
    quality_dir: Path,
    previous_rows: int | None = None,
    parents: dict[tuple[str, str, str], list[object]] = PARENTS,
) -> Validation:
    """Validate `frame` as the check does: its rules, then the rows through the suite's SQL (here
    on an in-memory DuckDB holding the frame and the parent tables), then GX."""
    rules = run_rules(spec, lambda *key: parents[key], previous_rows)
    refs = references(rules)
    with duckdb.connect() as con:
        for schema in {spec.schema, *(ref.schema for ref in refs)}:
            con.execute(f'create schema if not exists "{schema}"')
        for ref in refs:
            keys = parents[(ref.schema, ref.table, ref.parent_column)]
            parent_rows = pd.DataFrame({ref.parent_column: keys})  # noqa: F841 - read by the SQL
            con.execute(f'create table "{ref.schema}"."{ref.table}" as select * from parent_rows')
        con.execute(f'create table "{spec.schema}"."{spec.table}" as select * from frame')
        present = {(ref.schema, ref.table) for ref in refs}
        # The frame is what a version-aware read already returned.
        query = suite_query(replace(spec, version_column=None), refs, present)
        rows = con.execute(query).df()
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


def test_a_blocking_failure_fails_with_counts_and_the_rows_by_key(quality_dir: Path) -> None:
    frame = _raw_opportunities(id=["006A", "006A", "006C"], amount=[100.0, -5.0, 300.0])
    frame.loc[2, "currency_iso_code"] = "XXX"
    validation = check(RAW_OPPORTUNITY, frame, quality_dir)
    failed = {(o.expectation, o.column): o for o in validation.outcomes if not o.success}
    assert set(failed) == {
        ("expect_column_values_to_be_unique", "id"),
        ("expect_column_values_to_be_between", "amount"),
        ("expect_column_values_to_be_in_set", "currency_iso_code"),
    }
    negative = failed[("expect_column_values_to_be_between", "amount")]
    assert negative.unexpected_count == 1
    assert negative.sample == ["amount=-5.0, id=006A"]
    assert failed[("expect_column_values_to_be_in_set", "currency_iso_code")].sample == [
        "currency_iso_code=XXX, id=006C"
    ]
    blocking, warnings = results(validation)
    assert not blocking.passed and blocking.severity.value == "ERROR"
    assert blocking.metadata["failed_blocking"].value == 3
    assert "| expect_column_values_to_be_unique | id | blocking | 2 |" in blocking.metadata["failures"].value
    assert warnings.passed and warnings.check_name == "opportunity_warnings"


def test_warnings_fail_with_warn_severity_only(quality_dir: Path) -> None:
    # An unknown deal type, a row count far above the last good run's, and stale data: warnings.
    frame = _raw_opportunities(
        type=["New Business", "Upsell", "Expansion"],
        system_modstamp=pd.to_datetime(["2026-06-01"] * 3, utc=True),
    )
    validation = check(RAW_OPPORTUNITY, frame, quality_dir, previous_rows=1000)
    failed = {o.expectation for o in validation.outcomes if not o.success}
    assert failed == {
        "expect_column_values_to_be_in_set",
        "expect_table_row_count_to_be_between",
        "expect_column_min_to_be_between",
    }
    blocking, warnings = results(validation)
    # The blocking check passes; the warnings check fails with WARN, naming what it warns about.
    assert blocking.passed and blocking.metadata["failed_blocking"].value == 0
    assert not warnings.passed and warnings.severity.value == "WARN"
    assert warnings.metadata["failed_warning"].value == 3
    assert "expect_table_row_count_to_be_between(table)" in (warnings.description or "")


def test_a_quota_for_a_user_the_crm_does_not_know_fails_naming_the_user(quality_dir: Path) -> None:
    quotas = next(s for s in RAW_SUITES if s.name == "raw_plans.quotas")
    frame = pd.DataFrame(
        {
            "user_id": ["005A", "005TYPO"],
            "period_start": [date(2026, 4, 1)] * 2,
            "period_end": [date(2026, 6, 30)] * 2,
            "quota_amount": [100000.0, 90000.0],
            "currency": ["USD"] * 2,
            "ramp_pct": [100.0, 100.0],
        }
    )
    # A Salesforce-shaped warehouse: no HubSpot owners, no Zoho users.
    parents = {**PARENTS, ("raw_hubspot", "owners", "id"): [], ("raw_zoho", "users", "id"): []}
    validation = check(quotas, frame, quality_dir, parents=parents)
    (failed,) = [o for o in validation.outcomes if not o.success]
    assert (failed.expectation, failed.column, failed.severity) == (
        "expect_column_values_to_be_in_set",
        "user_id",
        "blocking",
    )
    assert "005TYPO" in str(results(validation)[0].metadata["failures"].value)


def test_an_owner_the_crm_does_not_know_fails_naming_the_row_and_the_value(quality_dir: Path) -> None:
    """References are checked in SQL (a semi-join); GX names the orphan by key and value."""
    frame = _raw_opportunities(owner_id=["005A", "005GONE", "005A"])
    validation = check(RAW_OPPORTUNITY, frame, quality_dir)
    (failed,) = [o for o in validation.outcomes if not o.success]
    assert (failed.column, failed.severity, failed.unexpected_count) == (
        "owner_id missing from raw_salesforce.user",
        "blocking",
        1,
    )
    assert failed.sample == ["owner_id missing from raw_salesforce.user=005GONE, id=006B"]


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


def test_raw_stage_and_deal_type_rules_follow_the_dbt_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stages a raw opportunity may carry are dbt's `opportunity_stages`, `won_stages` and
    `lost_stages`: a stage added in dbt_project.yml is accepted by the blocking check at once."""
    from ingestion import dbt_vars

    def value_set(column: str) -> set[object]:
        rules = run_rules(RAW_OPPORTUNITY, lambda *key: PARENTS[key], None)
        (values,) = [
            rule.kwargs["value_set"]
            for rule, _ in rules
            if rule.gx_class == "ExpectColumnValuesToBeInSet" and rule.kwargs["column"] == column
        ]
        return set(values)

    assert value_set("stage_name") == {
        "Prospecting",
        "Qualification",
        "Needs Analysis",
        "Proposal/Price Quote",
        "Negotiation/Review",
        "Closed Won",
        "Closed Lost",
    }
    assert value_set("type") == {"New Business", "Expansion", "Renewal"}
    project_vars = {
        **dbt_vars.dbt_vars(),
        "opportunity_stages": ["Discovery", "Demo", "Closed Won"],
        "lost_stages": ["Closed Lost", "Disqualified"],
    }
    monkeypatch.setattr(dbt_vars, "dbt_vars", lambda: project_vars)
    assert value_set("stage_name") == {"Discovery", "Demo", "Closed Won", "Closed Lost", "Disqualified"}
