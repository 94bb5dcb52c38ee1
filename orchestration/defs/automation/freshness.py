"""Freshness SLAs per mart group, in one place, as Dagster freshness checks with their sensor.

A mart is stale when its last materialization is older than its group's SLA: the check fails
(WARN) and the UI shows it on the asset; the alert sensor posts it to the webhook.
"""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

# group -> how old its newest materialization may be. Daily marts get a day and two hours of
# slack; statements are produced monthly.
FRESHNESS_SLAS: dict[str, timedelta] = {
    "pipeline": timedelta(hours=26),
    "quota": timedelta(hours=26),
    "compensation": timedelta(days=35),
    "serving": timedelta(hours=26),
}


def freshness_checks(assets: dg.Definitions) -> list[dg.AssetChecksDefinition]:
    graph = assets.resolve_asset_graph()
    checks: list[dg.AssetChecksDefinition] = []
    for group, sla in FRESHNESS_SLAS.items():
        keys = sorted(
            (key for key in graph.get_all_asset_keys() if graph.get(key).group_name == group),
            key=lambda key: key.to_user_string(),
        )
        if keys:
            checks += dg.build_last_update_freshness_checks(assets=keys, lower_bound_delta=sla)
    return checks


def freshness_defs(assets: dg.Definitions) -> dg.Definitions:
    checks = freshness_checks(assets)
    sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=checks, default_status=dg.DefaultSensorStatus.RUNNING
    )
    return dg.Definitions(asset_checks=checks, sensors=[sensor])
