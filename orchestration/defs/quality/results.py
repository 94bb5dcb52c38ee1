"""Turns a suite's validation into a Dagster check result a person can read, and finds the row
count of the last run that passed its blocking expectations."""

from __future__ import annotations

import dagster as dg

from expectations.runner import ROW_COUNT_RULE, Rules, Validation, row_count_within
from orchestration.defs.previous_results import previous_check_results
from orchestration.defs.quality.check_history import evaluation_of, is_blocking_failure

ROWS_VALIDATED = "rows_validated"
FINGERPRINT = "input_fingerprint"
ROW_COUNT_MET = "row_count_rule_met"


def to_check_result(validation: Validation) -> dg.AssetCheckResult:
    """Blocking failures fail the check with ERROR (downstream stops); warnings fail it with WARN,
    which shows in the UI and stops nothing."""
    outcomes = validation.outcomes
    failed = [o for o in outcomes if not o.success]
    blocking_failed = [o for o in failed if o.severity == "blocking"]
    table = "\n".join(
        [
            "| expectation | column | severity | failing rows | sample of failing rows |",
            "|---|---|---|---|---|",
        ]
        + [
            f"| {o.expectation} | {o.column or ''} | {o.severity} | {o.unexpected_count} | "
            f"{'; '.join(o.sample)} |"
            for o in failed
        ]
    )
    metadata: dict[str, dg.RawMetadataValue] = {
        ROWS_VALIDATED: validation.rows,
        "expectations": len(outcomes),
        "failed_blocking": len(blocking_failed),
        "failed_warning": len(failed) - len(blocking_failed),
        ROW_COUNT_MET: not any(o.expectation == ROW_COUNT_RULE for o in failed),
        "failures": dg.MetadataValue.md(table if failed else "All expectations met."),
    }
    if validation.data_docs_page:
        metadata["data_docs"] = dg.MetadataValue.path(str(validation.data_docs_page))
    return dg.AssetCheckResult(
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR if blocking_failed else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
        description=(
            "; ".join(f"{o.expectation}({o.column or 'table'}): {o.unexpected_count} row(s)" for o in failed)
            or None
        ),
    )


def last_good_row_count(instance: dg.DagsterInstance, check_key: dg.AssetCheckKey) -> int | None:
    """Rows validated by the newest earlier execution without a blocking failure."""
    for record in instance.event_log_storage.get_asset_check_execution_history(check_key, limit=10):
        evaluation = evaluation_of(record)
        if evaluation is not None and not is_blocking_failure(evaluation):
            rows = evaluation.metadata.get(ROWS_VALIDATED)
            return int(rows.value) if rows is not None else None
    return None


def reused_result(
    instance: dg.DagsterInstance, check_key: dg.AssetCheckKey, fingerprint: str, rules: Rules
) -> dg.AssetCheckResult | None:
    """The check's last result, when it validated exactly these rows under exactly these rules
    (see suite_fingerprint): validating again could only repeat it. The row-count rule moves
    with the last good count, so it is left out of the fingerprint and judged here on the rows
    the last validation counted: its verdict must be the one that validation reached."""
    (previous,) = previous_check_results(instance, [check_key]) or (None,)
    stored = previous.metadata.get(FINGERPRINT) if previous is not None else None
    if previous is None or stored is None or stored.value != fingerprint:
        return None
    rows, met = previous.metadata.get(ROWS_VALIDATED), previous.metadata.get(ROW_COUNT_MET)
    if rows is None or met is None or row_count_within(rules, int(rows.value)) != met.value:
        return None
    return previous._replace(metadata={**previous.metadata, "expectations": dg.MetadataValue.int(len(rules))})
