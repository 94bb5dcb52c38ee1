"""Dagster's run history pruned to the newest runs, keeping every run something still reads.

Dagster OSS keeps every run and its events forever (about 7 MB a run of this project: the run's
own event file, its asset and check events in the index, its compute logs) and has no retention
for them. After each run this deletes finished runs beyond the newest `keep_runs`, except a run
that holds the newest materialization of an asset or of one of its partitions (a month closed a
year ago), the newest observation of an asset, or one of the newest executions of a check that
the checks read back (the last good row count, reused results): deleting those would make an
asset look never materialized, or a check never run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import dagster as dg
import sqlalchemy as db
from dagster._core.storage.event_log.schema import AssetCheckExecutionsTable

from orchestration.defs.quality.results import EXECUTIONS_READ

if TYPE_CHECKING:
    from dagster._core.definitions.assets.graph.asset_graph import AssetGraph

FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]


@dataclass(frozen=True)
class Pruned:
    deleted: int  # runs deleted
    held: int  # runs beyond the newest kept because something still reads them
    keep_runs: int

    def describe(self) -> str:
        return (
            f"Dagster's history: {self.deleted} run(s) beyond the newest {self.keep_runs} deleted "
            f"({self.held} older kept: they hold an asset's newest materialization or a check's "
            "newest executions)"
        )


def runs_still_read(instance: dg.DagsterInstance, asset_graph: AssetGraph) -> set[str]:
    """Ids of the runs holding what the instance is asked for later: each asset's (and each
    materialized partition's) newest materialization, each asset's newest observation, each
    check's newest executions (those the checks read back)."""
    held: set[str] = set()
    for key in asset_graph.get_all_asset_keys():
        partitions: list[str | None] = [None]
        if asset_graph.get(key).is_partitioned:
            partitions = sorted(instance.get_materialized_partitions(key))
        for partition in partitions:
            records_filter = dg.AssetRecordsFilter(
                asset_key=key, asset_partitions=None if partition is None else [partition]
            )
            for fetch in (instance.fetch_materializations, instance.fetch_observations):
                held.update(record.run_id for record in fetch(records_filter, limit=1).records)
    return held | _runs_of_newest_check_executions(instance)


def _runs_of_newest_check_executions(instance: dg.DagsterInstance) -> set[str]:
    """The runs of each check's newest `EXECUTIONS_READ` executions, in one query of Dagster's
    table of them (a query per check through its API took 0.5 to 1 s a run for 331 checks)."""
    executions = AssetCheckExecutionsTable
    newest_first = db.func.row_number().over(
        partition_by=[executions.c.asset_key, executions.c.check_name], order_by=executions.c.id.desc()
    )
    ranked = db.select(executions.c.run_id, newest_first.label("rank")).subquery()
    query = db.select(ranked.c.run_id).where(ranked.c.rank <= EXECUTIONS_READ).distinct()
    with instance.event_log_storage.index_connection() as connection:  # type: ignore[attr-defined]
        return {run_id for (run_id,) in connection.execute(query)}


def prune_run_history(instance: dg.DagsterInstance, asset_graph: AssetGraph, keep_runs: int) -> Pruned:
    """Deletes finished runs beyond the newest `keep_runs` (0: keep all) that nothing still reads,
    with their events, check executions and compute logs."""
    if keep_runs <= 0:
        return Pruned(0, 0, keep_runs)
    older = instance.get_run_ids(dg.RunsFilter(statuses=FINISHED))[keep_runs:]  # newest first
    if not older:
        return Pruned(0, 0, keep_runs)
    held = runs_still_read(instance, asset_graph)
    doomed = [run_id for run_id in older if run_id not in held]
    for run_id in doomed:
        instance.delete_run(run_id)
        _delete_check_executions(instance, run_id)
        instance.compute_log_manager.delete_logs(prefix=[run_id])
    return Pruned(len(doomed), len(older) - len(doomed), keep_runs)


def _delete_check_executions(instance: dg.DagsterInstance, run_id: str) -> None:
    """`delete_run` leaves the run's rows in Dagster's table of check executions (each holds its
    evaluation event: about a sixth of what a run adds)."""
    with instance.event_log_storage.index_connection() as connection:  # type: ignore[attr-defined]
        executions = AssetCheckExecutionsTable
        connection.execute(executions.delete().where(executions.c.run_id == run_id))
