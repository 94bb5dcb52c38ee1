"""Great Expectations suites as asset checks; blocking ones stop everything downstream."""

from collections.abc import Callable

import dagster as dg
import great_expectations as gx

from expectations.runner import validate_dataframe
from expectations.suites.opportunities import build_fct_opportunities_suite, build_raw_opportunity_suite
from orchestration import settings
from orchestration.defs.quality.results import to_check_result
from orchestration.defs.quality.warehouse_reader import read_table


def expectation_check(
    name: str, schema: str, table: str, build_suite: Callable[[], gx.ExpectationSuite]
) -> dg.AssetChecksDefinition:
    """A blocking check on asset [schema, table] that validates the table against the suite."""

    @dg.asset_check(
        asset=dg.AssetKey([schema, table]),
        name=name,
        blocking=True,
        pool=settings.WAREHOUSE_POOL,
        description=f"Great Expectations suite {build_suite().name}",
    )
    def check() -> dg.AssetCheckResult:
        frame = read_table(schema, table)
        return to_check_result(validate_dataframe(frame, build_suite()), len(frame))

    return check


defs = dg.Definitions(
    asset_checks=[
        expectation_check(
            "raw_opportunity_expectations", "raw_salesforce", "opportunity", build_raw_opportunity_suite
        ),
        expectation_check(
            "fct_opportunities_expectations", "pipeline", "fct_opportunities", build_fct_opportunities_suite
        ),
    ]
)
