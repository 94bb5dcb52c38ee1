"""The GX runner reports which expectation failed, how many rows, a sample of the rows by key, its
severity, and a Data Docs page; the row-count and recency rules every suite gets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from expectations.runner import validate
from expectations.suites.raw import RAW_SUITES
from orchestration.defs.quality.results import to_check_result

RAW_OPPORTUNITY = next(s for s in RAW_SUITES if s.name == "raw_salesforce.opportunity")
TODAY = date(2026, 6, 30)
PARENTS = {
    ("raw_finance", "fx_rates", "from_currency"): ["EUR", "GBP"],
    ("raw_finance", "fx_rates", "to_currency"): ["USD"],
    ("raw_salesforce", "user", "id"): ["005A"],
    ("raw_salesforce", "account", "id"): ["001A"],
}


def lookup(schema: str, table: str, column: str) -> list[object]:
    return PARENTS[(schema, table, column)]


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
    validation = validate(RAW_OPPORTUNITY, _raw_opportunities(), lookup, quality_dir, TODAY, previous_rows=3)
    assert validation.outcomes and all(o.success for o in validation.outcomes)
    assert to_check_result(validation).passed
    assert validation.data_docs_page is not None and validation.data_docs_page.exists()
    assert "raw_salesforce.opportunity" in validation.data_docs_page.read_text()


def test_a_blocking_failure_fails_with_counts_and_the_rows_by_key(quality_dir: Path) -> None:
    frame = _raw_opportunities(id=["006A", "006A", "006C"], amount=[100.0, -5.0, 300.0])
    frame.loc[2, "currency_iso_code"] = "XXX"
    validation = validate(RAW_OPPORTUNITY, frame, lookup, quality_dir, TODAY)
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
    result = to_check_result(validation)
    assert not result.passed and result.severity.value == "ERROR"
    assert result.metadata["failed_blocking"].value == 3
    assert "| expect_column_values_to_be_unique | id | blocking | 2 |" in result.metadata["failures"].value


def test_warnings_fail_with_warn_severity_only(quality_dir: Path) -> None:
    # An unknown deal type, a row count far above the last good run's, and stale data: warnings.
    frame = _raw_opportunities(
        type=["New Business", "Upsell", "Expansion"],
        system_modstamp=pd.to_datetime(["2026-06-01"] * 3, utc=True),
    )
    validation = validate(RAW_OPPORTUNITY, frame, lookup, quality_dir, TODAY, previous_rows=1000)
    failed = {o.expectation for o in validation.outcomes if not o.success}
    assert failed == {
        "expect_column_values_to_be_in_set",
        "expect_table_row_count_to_be_between",
        "expect_column_min_to_be_between",
    }
    result = to_check_result(validation)
    assert not result.passed and result.severity.value == "WARN"
    assert result.metadata["failed_warning"].value == 3 and result.metadata["failed_blocking"].value == 0


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
    parents = {**PARENTS, ("raw_hubspot", "owners", "id"): []}  # a Salesforce-shaped warehouse
    validation = validate(quotas, frame, lambda *key: parents[key], quality_dir, TODAY)
    (failed,) = [o for o in validation.outcomes if not o.success]
    assert (failed.expectation, failed.column, failed.severity) == (
        "expect_column_values_to_be_in_set",
        "user_id",
        "blocking",
    )
    assert "005TYPO" in str(to_check_result(validation).metadata["failures"].value)
