"""`salesops status`: how fresh each mart and serving store is against its SLA, and which checks
failed on their latest run — what the Dagster UI shows, for a terminal."""

from __future__ import annotations

import time

import dagster as dg

from orchestration.defs.automation.freshness import FRESHNESS_SLAS, keys_with_sla
from orchestration.defs.quality.check_history import latest_evaluations


def freshness_lines(instance: dg.DagsterInstance, graph: object) -> list[str]:
    lines = []
    now = time.time()
    with_sla = [(key, group) for group, keys in keys_with_sla(graph).items() for key in keys]
    for key, group in sorted(with_sla, key=lambda item: item[0].to_user_string()):
        event = instance.get_latest_materialization_event(key)
        sla_hours = FRESHNESS_SLAS[group].total_seconds() / 3600
        if event is None:
            lines.append(f"  {key.to_user_string():55s} never materialized          STALE")
            continue
        age_hours = (now - event.timestamp) / 3600
        state = "fresh" if age_hours <= sla_hours else "STALE"
        lines.append(f"  {key.to_user_string():55s} {age_hours:7.1f} h old (SLA {sla_hours:.0f} h)  {state}")
    return lines


def failed_check_lines(instance: dg.DagsterInstance, graph: object) -> list[str]:
    return [
        f"  {key.to_user_string()} [{evaluation.severity.value}]: {evaluation.description or 'failed'}"
        for key, _, evaluation in latest_evaluations(instance, graph.asset_check_keys)
        if not evaluation.passed
    ]


def format_status() -> str:
    from orchestration.dagster_home import open_instance
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    with open_instance() as instance:
        fresh = freshness_lines(instance, graph)
        failed = failed_check_lines(instance, graph)
    return "\n".join(
        ["Freshness (newest materialization vs SLA):", *fresh, "Checks failing on their latest run:"]
        + (failed or ["  none"])
    )
