"""Great Expectations suites as asset checks; blocking ones stop everything downstream."""

from __future__ import annotations

import dagster as dg

from expectations.runner import validate_dataframe
from expectations.suites.opportunities import (
    build_fct_opportunities_suite,
    build_raw_opportunity_suite,
)
from orchestration import settings
from orchestration.defs.quality.results import to_check_result
from orchestration.defs.quality.warehouse_reader import read_table


@dg.asset_check(
    asset=dg.AssetKey(["raw_salesforce", "opportunity"]),
    blocking=True,
    pool=settings.WAREHOUSE_POOL,
    description="Great Expectations suite raw_salesforce.opportunity",
)
def raw_opportunity_expectations() -> dg.AssetCheckResult:
    frame = read_table("raw_salesforce", "opportunity")
    return to_check_result(validate_dataframe(frame, build_raw_opportunity_suite()), len(frame))


@dg.asset_check(
    asset=dg.AssetKey(["pipeline", "fct_opportunities"]),
    blocking=True,
    pool=settings.WAREHOUSE_POOL,
    description="Great Expectations suite fct_opportunities",
)
def fct_opportunities_expectations() -> dg.AssetCheckResult:
    frame = read_table("pipeline", "fct_opportunities")
    return to_check_result(validate_dataframe(frame, build_fct_opportunities_suite()), len(frame))


defs = dg.Definitions(asset_checks=[raw_opportunity_expectations, fct_opportunities_expectations])
