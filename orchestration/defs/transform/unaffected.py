"""dbt nodes a build can leave as the last successful build left them: those that read nothing
that changed since.

The build key (`build_key.py`) says which inputs changed: source tables, mart tables, the as-of
date. When the code, target and selection are the last build's, a model, seed or test whose every
upstream source and mart is unchanged, and whose query (or an upstream model's) does not embed the
as-of date once the day moved, would give the same rows and the same test results: dbt leaves it
out. A day on which only the CRM changed builds nothing that reads only the plan files, and the
other way round.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from orchestration import warehouse
from orchestration.defs.transform.build_key import MART_PREFIX, SAME_CODE_INPUTS, STORED
from orchestration.defs.transform.kept_views import macros_reading_the_as_of_date

LEFT_OUT = ("model", "seed", "snapshot", "test")
PERSISTED = (*STORED, "seed", "snapshot")  # materializations: what a view is not


def nodes_to_leave_out(
    manifest_path: Path, before: dict[str, str] | None, now: dict[str, str], kept_views: list[str]
) -> list[str]:
    """Names of the nodes dbt can leave out: of those no changed input reaches, every test, each
    stored model (table, incremental, seed) that exists in the warehouse, and each view among
    `kept_views` (any other view is built: it may be missing, or on PostgreSQL be dropped with a
    table it read)."""
    unaffected, reached_names = _unaffected(manifest_path, before, now)
    stored = [
        node
        for node in unaffected
        if node["resource_type"] != "test" and node["config"].get("materialized") in PERSISTED
    ]
    schemas = tuple({node["schema"] for node in stored})
    present = set(warehouse.existing_tables(schemas)) if schemas else set()
    names = {node["name"] for node in unaffected if node["resource_type"] == "test"}
    names |= {node["name"] for node in stored if (node["schema"], node["alias"]) in present}
    names |= {node["name"] for node in unaffected if node["name"] in kept_views}
    # dbt selects by name: a name shared with a node that must run is not left out.
    names -= reached_names
    return sorted(_after_no_built_parent(unaffected, names, set(kept_views)))


def _after_no_built_parent(
    unaffected: list[dict[str, Any]], names: set[str], kept_views: set[str]
) -> set[str]:
    """`names` without the nodes a node dbt builds in this build feeds (a view that is not kept,
    a missing table), and so on down: Dagster takes a multi-asset's outputs in dependency order,
    and the left-out marts are reported before dbt starts. On PostgreSQL and Spark, where every
    view is built, that leaves out nothing below the staging views. Every parent node of an
    unaffected node is unaffected too (what a change reaches, it reaches downstream), so the
    parents are looked up among them; sources are not nodes."""
    nodes = {node["unique_id"]: node for node in unaffected}
    left_out = set(names)
    changed = True
    while changed:
        changed = False
        for node in unaffected:
            if node["name"] not in left_out:
                continue
            parents = [
                nodes[parent] for parent in node.get("depends_on", {}).get("nodes", []) if parent in nodes
            ]
            if any(
                parent["name"] not in left_out and parent["name"] not in kept_views
                for parent in parents
                if parent["resource_type"] != "test"
            ):
                left_out.discard(node["name"])
                changed = True
    return left_out


def _unaffected(
    manifest_path: Path, before: dict[str, str] | None, now: dict[str, str]
) -> tuple[list[dict[str, Any]], set[str]]:
    """(the enabled models, seeds, snapshots and data tests no changed input reaches, the names of
    those it reaches); nothing is unaffected unless the last successful build, `before`, was of
    the same code, target and selection."""
    if not before or any(before.get(name) != now.get(name) for name in SAME_CODE_INPUTS):
        return [], set()
    changed = {name for name in {*before, *now} if before.get(name) != now.get(name)}
    manifest = json.loads(manifest_path.read_text())
    dated = macros_reading_the_as_of_date(manifest["macros"]) if "as-of date" in changed else set()
    nodes: dict[str, Any] = {**manifest["nodes"], **manifest["sources"]}

    @functools.cache
    def reached(unique_id: str) -> bool:
        node = nodes[unique_id]
        if node["resource_type"] == "source":
            return f"{node['schema']}.{node['identifier']}" in changed
        depends_on = node.get("depends_on", {})
        return (
            f"{MART_PREFIX}{node.get('schema')}.{node.get('alias')}" in changed
            or bool(dated.intersection(depends_on.get("macros", [])))
            # A parent outside the manifest's nodes (a disabled model) cannot be vouched for.
            or any(parent not in nodes or reached(parent) for parent in depends_on.get("nodes", []))
        )

    candidates = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] in LEFT_OUT and node["config"].get("enabled", True)
    ]
    return (
        [node for node in candidates if not reached(node["unique_id"])],
        {node["name"] for node in candidates if reached(node["unique_id"])},
    )
