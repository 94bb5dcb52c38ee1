"""Whether a serving store already holds what the warehouse's marts hold now.

The dbt step records the fingerprints of the marts it built or found unchanged, with its run;
publishing stores the fingerprints it copied. When the two agree (same run, same target, same
rows) the store is left as it is: copying the same rows again would only move `_published_at`.
"""

from __future__ import annotations

import json
from pathlib import Path

from orchestration import settings, warehouse
from orchestration.defs.transform.build_key import MART_PREFIX, marts_verified_in_run, stamp_path
from orchestration.serving.duckdb_publish import serving_file
from orchestration.serving.stores import ServingStore
from orchestration.warehouse_location import location

# 2: tables in their mart's schema, with descriptions, and the core dimensions.
PUBLICATION_LAYOUT = 2


def record_path(store: ServingStore) -> Path:
    return settings.data_dir() / f"published_{store.name}.json"


def marts_of_this_run(store: ServingStore, run_id: str) -> dict[str, str] | None:
    """The store's marts as the dbt step of `run_id` left them (None: that step did not run)."""
    marts = marts_verified_in_run(stamp_path(), run_id)
    if marts is None:
        return None
    schemas = {f"{MART_PREFIX}{schema}." for schema in store.file_schemas}
    content = {name: value for name, value in marts.items() if any(name.startswith(s) for s in schemas)}
    # The layout is part of it: a store published in an older layout is published again.
    return {"target": location().target, "layout": PUBLICATION_LAYOUT, **content}


def already_published(store: ServingStore, marts: dict[str, str] | None) -> bool:
    record = record_path(store)
    if marts is None or not record.exists() or json.loads(record.read_text()) != marts:
        return False
    if location().is_postgres:
        present = {schema for schema, _ in warehouse.existing_tables(store.postgres_schemas)}
        return present == set(store.postgres_schemas)
    return serving_file(settings.serving_dir(), store).exists()


def forget_publication(store: ServingStore) -> None:
    """Before a store is written: a publish that fails half-way must not vouch for it."""
    record_path(store).unlink(missing_ok=True)


def record_publication(store: ServingStore, marts: dict[str, str] | None) -> None:
    if marts is not None:
        record_path(store).write_text(json.dumps(marts, indent=1, sort_keys=True))
