"""Dagster's history pruned after each successful run launched by the UI, a schedule or a sensor
(the CLI prunes after its own runs): the rule is orchestration/run_history.py's."""

from __future__ import annotations

import dagster as dg

from orchestration import settings
from orchestration.run_history import prune_run_history


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    name="history_pruned_after_success",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def history_pruned_after_success(context: dg.RunStatusSensorContext) -> None:
    """Failed and canceled runs count too: the next success prunes them."""
    if context.repository_def is None:
        return
    graph = context.repository_def.asset_graph
    pruned = prune_run_history(context.instance, graph, settings.dagster_keep_runs())
    if pruned.deleted:
        context.log.info(pruned.describe())
