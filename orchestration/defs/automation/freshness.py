"""Freshness SLAs per mart group, in one place, as Dagster freshness checks with their sensor.

A mart is stale when its last materialization is older than its group's SLA: the check fails
(WARN) and the UI shows it on the asset; the alert sensor posts it to the webhook. Only what the
daily full run builds has an SLA: the closed months and the period log change when someone
closes a month, not with time.
"""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

from orchestration.defs.automation.jobs import full_run_job

# group -> how old its newest materialization may be. Daily marts get a day and two hours of
# slack; statements are produced monthly.
FRESHNESS_SLAS: dict[str, timedelta] = {
    "core": timedelta(hours=26),
    "pipeline": timedelta(hours=26),
    "quota": timedelta(hours=26),
    "forecast": timedelta(hours=26),
    "crm_health": timedelta(hours=26),
    "marketing": timedelta(hours=26),
    "compensation": timedelta(days=35),
    "serving": timedelta(hours=26),
}


def keys_with_sla(graph: dg.AssetGraph) -> dict[str, list[dg.AssetKey]]:
    """Per group with an SLA, the assets of it the full run materializes."""
    built = full_run_job.selection.resolve(graph, allow_missing=True)
    keys: dict[str, list[dg.AssetKey]] = {}
    for key in sorted(built, key=lambda key: key.to_user_string()):
        node = graph.get(key)
        if node.is_materializable and node.group_name in FRESHNESS_SLAS:
            keys.setdefault(node.group_name, []).append(key)
    return keys


def freshness_checks(assets: dg.Definitions) -> list[dg.AssetChecksDefinition]:
    checks: list[dg.AssetChecksDefinition] = []
    for group, keys in keys_with_sla(assets.resolve_asset_graph()).items():
        checks += dg.build_last_update_freshness_checks(assets=keys, lower_bound_delta=FRESHNESS_SLAS[group])
    return checks


def freshness_defs(assets: dg.Definitions) -> dg.Definitions:
    checks = freshness_checks(assets)
    sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=checks, default_status=dg.DefaultSensorStatus.RUNNING
    )
    return dg.Definitions(asset_checks=checks, sensors=[sensor])
