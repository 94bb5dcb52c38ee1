"""Turns a suite's validation into a Dagster check result a person can read, and finds the row
count of the last run that passed its blocking expectations."""

from __future__ import annotations

import dagster as dg

from expectations.runner import ROW_COUNT_RULE, Rules, Validation, row_count_within
from orchestration.defs.quality.check_history import evaluation_of, is_blocking_failure

ROWS_VALIDATED = "rows_validated"
FINGERPRINT = "input_fingerprint"
ROW_COUNT_MET = "row_count_rule_met"
# How many of a check's newest executions are read back for its last good row count.
EXECUTIONS_READ = 10


def to_check_results(
    validation: Validation, blocking_key: dg.AssetCheckKey, warning_key: dg.AssetCheckKey
) -> tuple[dg.AssetCheckResult, dg.AssetCheckResult]:
    """The blocking check fails with ERROR when a blocking expectation fails (downstream stops);
    the warnings check fails with WARN when a warning does, which shows in the UI and stops
    nothing. Each names its own failed expectations."""
    outcomes = validation.outcomes
    blocking = [o for o in outcomes if o.severity == "blocking"]
    warnings = [o for o in outcomes if o.severity != "blocking"]
    common: dict[str, dg.RawMetadataValue] = {
        ROWS_VALIDATED: validation.rows,
        ROW_COUNT_MET: not any(o.expectation == ROW_COUNT_RULE and not o.success for o in outcomes),
    }
    if validation.data_docs_page:
        common["data_docs"] = dg.MetadataValue.path(str(validation.data_docs_page))
    blocking_result = _result(blocking_key, blocking, "failed_blocking", dg.AssetCheckSeverity.ERROR, common)
    warning_result = _result(warning_key, warnings, "failed_warning", dg.AssetCheckSeverity.WARN, common)
    return blocking_result, warning_result


def _result(
    key: dg.AssetCheckKey,
    outcomes: list,
    failed_label: str,
    severity: dg.AssetCheckSeverity,
    common: dict[str, dg.RawMetadataValue],
) -> dg.AssetCheckResult:
    failed = [o for o in outcomes if not o.success]
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
    return dg.AssetCheckResult(
        asset_key=key.asset_key,
        check_name=key.name,
        passed=not failed,
        severity=severity,
        metadata={
            **common,
            "expectations": len(outcomes),
            failed_label: len(failed),
            "failures": dg.MetadataValue.md(table if failed else "All expectations met."),
        },
        description=(
            "; ".join(f"{o.expectation}({o.column or 'table'}): {o.unexpected_count} row(s)" for o in failed)
            or None
        ),
    )


def last_good_row_count(instance: dg.DagsterInstance, check_key: dg.AssetCheckKey) -> int | None:
    """Rows validated by the newest earlier execution without a blocking failure."""
    history = instance.event_log_storage.get_asset_check_execution_history(check_key, limit=EXECUTIONS_READ)
    for record in history:
        evaluation = evaluation_of(record)
        if evaluation is not None and not is_blocking_failure(evaluation):
            rows = evaluation.metadata.get(ROWS_VALIDATED)
            return int(rows.value) if rows is not None else None
    return None


def reused_results(
    previous: list[dg.AssetCheckResult], fingerprint: str, rules: Rules
) -> list[dg.AssetCheckResult] | None:
    """The checks' last results, when they validated exactly these rows under exactly these rules
    (see suite_fingerprint): validating again could only repeat them. The row-count rule moves
    with the last good count, so it is left out of the fingerprint and judged here on the rows
    the last validation counted: its verdict must be the one that validation reached. `previous`:
    the newest result of each of the suite's two checks."""
    if len(previous) != 2:
        return None
    for result in previous:
        stored = result.metadata.get(FINGERPRINT)
        rows, met = result.metadata.get(ROWS_VALIDATED), result.metadata.get(ROW_COUNT_MET)
        if stored is None or stored.value != fingerprint or rows is None or met is None:
            return None
        if row_count_within(rules, int(rows.value)) != met.value:
            return None
    return previous
