"""Whether a `dbt build` would change anything: a key over what it reads and what it wrote.

The inputs are the project (the parsed manifest's key), the as-of date, the selection, the content
of every source table and of every mart table. A successful build stores them; a run whose inputs
match has nothing to rebuild, so the step says so instead of rebuilding 200 nodes, and otherwise
says what changed. A build that fails or is killed removes the stored key first, so it can
never vouch for a half-built warehouse. The key names the run that last built or verified the
marts, so publishing in that run knows whether they changed since it last published.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from orchestration import settings, warehouse
from orchestration.warehouse import content_fingerprint
from orchestration.warehouse_location import location

# dbt materializations that persist rows (views are recomputed on read).
STORED = ("table", "incremental")
MART_PREFIX = "mart "
# Inputs that say which code built what: a build whose differ from the last one's continues nothing.
SAME_CODE_INPUTS = ("dbt project", "target", "selection")
NO_BUILD_RECORDED = "no successful build recorded"


def _relations(manifest: dict, mart_schemas: set[str]) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(the sources, the stored marts) of the project, as (schema, table)."""
    sources = {(node["schema"], node["identifier"]) for node in manifest["sources"].values()}
    marts = {
        (node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["config"].get("materialized") in STORED
        and node["schema"] in mart_schemas
    }
    return sources, marts


def build_inputs(
    manifest_path: Path, selection: Iterable[str], mart_schemas: set[str], as_of: date
) -> dict[str, str]:
    """What a build depends on and what it left, each with a fingerprint."""
    with warehouse.one_connection():
        return _inputs(manifest_path, selection, mart_schemas, as_of)


def _inputs(
    manifest_path: Path, selection: Iterable[str], mart_schemas: set[str], as_of: date
) -> dict[str, str]:
    manifest = json.loads(manifest_path.read_text())
    sources, marts = _relations(manifest, mart_schemas)
    relations = sorted(sources | marts)
    present = set(warehouse.existing_tables(tuple({schema for schema, _ in relations})))
    parsed_from = manifest_path.with_name("code.key")
    project = parsed_from.read_bytes() if parsed_from.exists() else manifest_path.read_bytes()
    inputs = {
        "dbt project": hashlib.sha256(project).hexdigest(),
        "as-of date": str(as_of),
        "target": location().target,
        "selection": hashlib.sha256("|".join(sorted(selection)).encode()).hexdigest(),
    }
    for schema, table in relations:
        present_here = (schema, table) in present
        name = f"{MART_PREFIX}{schema}.{table}" if (schema, table) in marts else f"{schema}.{table}"
        inputs[name] = (
            content_fingerprint(f'select * from "{schema}"."{table}"') if present_here else "missing"
        )
    return inputs


def changed_inputs(stored: Path, inputs: dict[str, str]) -> list[str]:
    """The inputs that differ from the last successful build's (all of them when there was none)."""
    before = recorded_inputs(stored)
    if before is None:
        return [NO_BUILD_RECORDED]
    return sorted(name for name in {*before, *inputs} if before.get(name) != inputs.get(name))


def last_build_day(before: dict[str, str] | None, inputs: dict[str, str]) -> str | None:
    """The as-of date of the last successful build when this build continues it: the same code,
    target and selection, and every mart present and as that build left it. The tests of the
    incremental facts then read only what this build can have rewritten (dbt macro
    `rebuilt_since`); otherwise None, and they read whole tables."""
    if before is None:
        return None
    marts = [name for name in inputs if name.startswith(MART_PREFIX)]
    if any(before.get(name) != inputs[name] for name in SAME_CODE_INPUTS):
        return None
    if any(inputs[name] == "missing" or before.get(name) != inputs[name] for name in marts):
        return None
    return before.get("as-of date")


def recorded_inputs(stored: Path) -> dict[str, str] | None:
    """The inputs of the last successful build (None when none is recorded)."""
    return _read(stored).get("inputs")


def record_build(stored: Path, inputs: dict[str, str], run_id: str) -> None:
    """What the warehouse holds after `run_id` built it, or found it already built."""
    stored.write_text(json.dumps({"run_id": run_id, "inputs": inputs}, indent=1, sort_keys=True))


def marts_verified_in_run(stored: Path, run_id: str) -> dict[str, str] | None:
    """The marts' fingerprints as the dbt step of `run_id` left them, or None when that step did
    not build or verify them (publishing then cannot know they are unchanged)."""
    recorded = _read(stored)
    if recorded.get("run_id") != run_id:
        return None
    return {name: value for name, value in recorded["inputs"].items() if name.startswith(MART_PREFIX)}


def _read(stored: Path) -> dict:
    return json.loads(stored.read_text()) if stored.exists() else {}


def stamp_path() -> Path:
    return settings.data_dir() / "dbt_build_inputs.json"
