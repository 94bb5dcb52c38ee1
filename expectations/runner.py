"""Validates a DataFrame against a suite (GX pandas datasource) and summarises what failed.

On DuckDB we validate DataFrames: GX 1.x's SQL datasource returns metric errors through
duckdb_engine. `dagster-ge` was never updated for GX 1.x, so turning results into Dagster check
results is done here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import great_expectations as gx
import pandas as pd

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str | None
    severity: str
    success: bool
    unexpected_count: int
    sample: list[Any]


def validate_dataframe(frame: pd.DataFrame, suite: gx.ExpectationSuite) -> list[ExpectationOutcome]:
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    batch_definition = (
        context.data_sources.add_pandas("frames")
        .add_dataframe_asset(suite.name)
        .add_batch_definition_whole_dataframe("whole")
    )
    stored_suite = context.suites.add(
        gx.ExpectationSuite(name=suite.name, expectations=[e.copy() for e in suite.expectations])
    )
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=stored_suite)
    )
    result = validation.run(
        batch_parameters={"dataframe": frame},
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_ROWS},
    )
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        details = item.result or {}
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=config.kwargs.get("column") or config.kwargs.get("column_A"),
                severity=(config.meta or {}).get("severity", "blocking"),
                success=bool(item.success),
                unexpected_count=int(details.get("unexpected_count") or 0),
                sample=[str(v) for v in (details.get("partial_unexpected_list") or [])][:SAMPLE_ROWS],
            )
        )
    return outcomes
