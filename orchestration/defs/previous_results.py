"""What a step reports when it finds its work already done: what the asset's previous
materialization showed, and its checks' previous results, marked as reused."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from orchestration.defs.quality.check_history import evaluation_of

REUSED_FROM_RUN = "reused_from_run"


def previous_metadata(instance: dg.DagsterInstance, key: dg.AssetKey) -> dict[str, dg.MetadataValue]:
    event = instance.get_latest_materialization_event(key)
    materialization = event.asset_materialization if event is not None else None
    return dict(materialization.metadata) if materialization is not None else {}


def reused_check_result(check_key: dg.AssetCheckKey, run_id: str, evaluation: object) -> dg.AssetCheckResult:
    """A check's earlier evaluation, repeated: its inputs are the same, so its outcome is."""
    return dg.AssetCheckResult(
        asset_key=check_key.asset_key,
        check_name=check_key.name,
        passed=evaluation.passed,  # type: ignore[attr-defined]
        severity=evaluation.severity,  # type: ignore[attr-defined]
        description=evaluation.description,  # type: ignore[attr-defined]
        metadata={**evaluation.metadata, REUSED_FROM_RUN: dg.MetadataValue.text(run_id)},  # type: ignore[attr-defined]
    )


def previous_check_results(
    instance: dg.DagsterInstance, check_keys: Iterable[dg.AssetCheckKey]
) -> list[dg.AssetCheckResult]:
    """The newest finished evaluation of each check (a run's own execution is planned, without one)."""
    results = []
    for check_key in check_keys:
        history = instance.event_log_storage.get_asset_check_execution_history(check_key, limit=5)
        found = next(((r, e) for r in history if (e := evaluation_of(r)) is not None), None)
        if found is not None:
            results.append(reused_check_result(check_key, found[0].run_id, found[1]))
    return results
