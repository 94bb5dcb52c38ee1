"""Whether a `dbt build` would change anything: a key over what it reads and what it wrote.

The inputs are the project (the parsed manifest's key), the as-of date, the selection, the content
of every source table and of every mart table. A successful build stores them; a run whose inputs
match has nothing to rebuild, so the step says so instead of rebuilding 200 nodes, and otherwise
says what changed. A build that
fails or is killed removes the stored key first, so it can never vouch for a half-built warehouse.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from orchestration import settings, warehouse
from orchestration.warehouse import content_fingerprint

# dbt materializations that persist rows (views are recomputed on read).
STORED = ("table", "incremental")


def _relations(manifest: dict, mart_schemas: set[str]) -> list[tuple[str, str]]:
    sources = [(node["schema"], node["identifier"]) for node in manifest["sources"].values()]
    marts = [
        (node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["config"].get("materialized") in STORED
        and node["schema"] in mart_schemas
    ]
    return sorted(set(sources + marts))


def build_inputs(manifest_path: Path, selection: Iterable[str], mart_schemas: set[str]) -> dict[str, str]:
    """What a build depends on and what it left, each with a fingerprint."""
    manifest = json.loads(manifest_path.read_text())
    relations = _relations(manifest, mart_schemas)
    present = set(warehouse.existing_tables(tuple({schema for schema, _ in relations})))
    parsed_from = manifest_path.with_name("manifest.key")
    project = parsed_from.read_bytes() if parsed_from.exists() else manifest_path.read_bytes()
    inputs = {
        "dbt project": hashlib.sha256(project).hexdigest(),
        "as-of date": str(settings.as_of_date()),
        "target": settings.warehouse_target(),
        "selection": hashlib.sha256("|".join(sorted(selection)).encode()).hexdigest(),
    }
    for schema, table in relations:
        present_here = (schema, table) in present
        inputs[f"{schema}.{table}"] = (
            content_fingerprint(f'select * from "{schema}"."{table}"') if present_here else "missing"
        )
    return inputs


def changed_inputs(stored: Path, inputs: dict[str, str]) -> list[str]:
    """The inputs that differ from the last successful build's (all of them when there was none)."""
    if not stored.exists():
        return ["no successful build recorded"]
    before = json.loads(stored.read_text())
    return sorted(name for name in {*before, *inputs} if before.get(name) != inputs.get(name))


def stamp_path() -> Path:
    return settings.data_dir() / "dbt_build_inputs.json"
