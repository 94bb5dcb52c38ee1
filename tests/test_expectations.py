"""The GX runner reports which expectation failed, how many rows, a sample, and its severity."""

from __future__ import annotations

import pandas as pd

from expectations.runner import validate_dataframe
from expectations.suites.opportunities import build_raw_opportunity_suite
from orchestration.defs.quality.results import to_check_result


def _raw_opportunities(**overrides: list) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "id": ["006A", "006B", "006C"],
            "owner_id": ["005A"] * 3,
            "stage_name": ["Prospecting", "Closed Won", "Closed Lost"],
            "currency_iso_code": ["USD", "EUR", "GBP"],
            "amount": [100.0, 200.0, 300.0],
            "probability": [10, 100, 0],
            "type": ["New Business", "Renewal", "Expansion"],
        }
    )
    for column, values in overrides.items():
        frame[column] = values
    return frame


def test_clean_data_passes_every_expectation() -> None:
    outcomes = validate_dataframe(_raw_opportunities(), build_raw_opportunity_suite())
    assert outcomes and all(o.success for o in outcomes)
    assert to_check_result(outcomes, 3).passed


def test_a_blocking_failure_fails_the_check_with_counts_and_samples() -> None:
    frame = _raw_opportunities(id=["006A", "006A", "006C"], amount=[100.0, -5.0, 300.0])
    outcomes = validate_dataframe(frame, build_raw_opportunity_suite())
    failed = {o.expectation: o for o in outcomes if not o.success}
    assert set(failed) == {"expect_column_values_to_be_unique", "expect_column_values_to_be_between"}
    assert failed["expect_column_values_to_be_between"].unexpected_count == 1
    assert failed["expect_column_values_to_be_between"].sample == ["-5.0"]
    result = to_check_result(outcomes, len(frame))
    assert not result.passed
    assert result.metadata["failed_blocking"].value == 2
    assert "expect_column_values_to_be_unique | id | blocking | 2" in (result.metadata["failures"].value)


def test_a_warning_failure_passes_with_a_warning() -> None:
    frame = _raw_opportunities(type=["New Business", "Upsell", "Expansion"])
    result = to_check_result(validate_dataframe(frame, build_raw_opportunity_suite()), 3)
    assert result.passed
    assert result.metadata["failed_warning"].value == 1
