"""Publishing reads the latest result of every check itself: a blocking check stops only the steps
of its own run, so a later run that publishes alone must not carry a failed state to BI."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from orchestration.defs.quality.check_history import is_blocking_failure, latest_evaluations


def failed_blocking_checks(
    instance: dg.DagsterInstance, check_keys: Iterable[dg.AssetCheckKey]
) -> list[tuple[dg.AssetCheckKey, str]]:
    """(check, what failed) for every check whose latest evaluation failed with ERROR severity."""
    return [
        (key, evaluation.description or "failed")
        for key, _, evaluation in latest_evaluations(instance, check_keys)
        if is_blocking_failure(evaluation)
    ]


def refusal(failed: list[tuple[dg.AssetCheckKey, str]]) -> str:
    lines = [f"  {key.to_user_string()}: {why}" for key, why in failed]
    return "Nothing was published: blocking check(s) failed on the latest data:\n" + "\n".join(lines)
