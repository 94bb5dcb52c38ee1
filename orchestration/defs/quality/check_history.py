"""Reading check results back from the Dagster instance (for publishing, alerts and `status`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import dagster as dg


def evaluation_of(record: Any) -> Any | None:
    """The check evaluation (passed, severity, description, metadata) an execution record holds."""
    event = record.event.dagster_event if record.event else None
    evaluation = event.event_specific_data if event else None
    return evaluation if hasattr(evaluation, "passed") else None


def latest_evaluations(
    instance: dg.DagsterInstance, check_keys: Iterable[dg.AssetCheckKey]
) -> list[tuple[dg.AssetCheckKey, Any, Any]]:
    """(check, execution record, evaluation) of each check's newest execution, by check name."""
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(list(check_keys))
    return [
        (key, record, evaluation)
        for key, record in sorted(latest.items(), key=lambda item: item[0].to_user_string())
        if (evaluation := evaluation_of(record)) is not None
    ]


def is_blocking_failure(evaluation: Any) -> bool:
    return not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
