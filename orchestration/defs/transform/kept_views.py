"""Views a build need not create again: on DuckDB, a view is a stored query, bound by name each
time it is read, so new rows under it need no rebuild; only a new query does. Recreating the ~80
staging and intermediate views costs dbt about 80 ms each (its per-node work, not DuckDB's):
about a fifth of a daily build whose code did not change.

A staging or intermediate view is kept when the last successful build of this warehouse was of
the same code and target, it exists and still binds (a raw table's columns may have changed under
it), and its query does not embed the as-of date (`as_of_date()`, directly or through a macro)
when the day moved. Its tests still run: the rows under it changed. A mart is always built: its
materialization is what the freshness SLAs and the UI read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from orchestration import warehouse
from orchestration.defs.transform.build_key import SAME_CODE_INPUTS

AS_OF_MACRO = "macro.salesops_warehouse.as_of_date"
KEPT_LAYERS = ("staging", "intermediate")  # the first folder under models/


def views_to_keep(manifest_path: Path, before: dict[str, str] | None, now: dict[str, str]) -> list[str]:
    """Names of the project's views that this build can leave as they are (none unless the last
    successful build, `before`, was of the same code on DuckDB)."""
    if not before or now.get("target") != "duckdb":
        return []
    if any(before.get(name) != now.get(name) for name in SAME_CODE_INPUTS):
        return []
    manifest = json.loads(manifest_path.read_text())
    day_moved = before.get("as-of date") != now.get("as-of date")
    dated = macros_reading_the_as_of_date(manifest["macros"])
    candidates = {
        (node["schema"], node["alias"]): node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["config"].get("materialized") == "view"
        and node["fqn"][1] in KEPT_LAYERS
        and not (day_moved and dated.intersection(node["depends_on"]["macros"]))
    }
    return sorted(candidates[relation] for relation in _binding_views(set(candidates)))


def macros_reading_the_as_of_date(macros: dict[str, Any]) -> set[str]:
    """`as_of_date` and every macro that calls it, however indirectly."""
    dated = {AS_OF_MACRO}
    grew = True
    while grew:
        callers = {
            name
            for name, macro in macros.items()
            if name not in dated and dated.intersection(macro["depends_on"]["macros"])
        }
        dated |= callers
        grew = bool(callers)
    return dated


def _binding_views(wanted: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Those of `wanted` (schema, view) that exist and still bind (read with no row)."""
    binding = []
    with warehouse.read_connection() as connection:
        existing = connection.execute(
            "select schema_name, view_name from duckdb_views() where not internal"
        ).fetchall()
        for schema, view in sorted(set(existing) & wanted):
            try:
                connection.execute(f'select * from "{schema}"."{view}" limit 0')
            except duckdb.Error:  # a binder error: build it again
                continue
            binding.append((schema, view))
    return binding
