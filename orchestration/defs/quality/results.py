"""Turns expectation outcomes into a Dagster check result a person can read."""

from __future__ import annotations

import dagster as dg

from expectations.runner import ExpectationOutcome


def to_check_result(outcomes: list[ExpectationOutcome], rows: int) -> dg.AssetCheckResult:
    failed = [o for o in outcomes if not o.success]
    blocking_failed = [o for o in failed if o.severity == "blocking"]
    table = "\n".join(
        ["| expectation | column | severity | failing rows | sample |", "|---|---|---|---|---|"]
        + [
            f"| {o.expectation} | {o.column or ''} | {o.severity} | {o.unexpected_count} | "
            f"{', '.join(o.sample)} |"
            for o in failed
        ]
    )
    return dg.AssetCheckResult(
        passed=not blocking_failed,
        severity=dg.AssetCheckSeverity.ERROR if blocking_failed else dg.AssetCheckSeverity.WARN,
        metadata={
            "rows_validated": rows,
            "expectations": len(outcomes),
            "failed_blocking": len(blocking_failed),
            "failed_warning": len(failed) - len(blocking_failed),
            "failures": dg.MetadataValue.md(table if failed else "All expectations met."),
        },
    )
