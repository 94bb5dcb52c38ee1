"""Retention of raw versions: how long a superseded version of a record is kept.

Raw tables keep every version a source sends (history mode). A company that does not need the
whole history sets `keep_superseded_days` under `[raw_versions]` in .dlt/config.toml (or
RAW_VERSIONS__KEEP_SUPERSEDED_DAYS): after each load, a version is deleted once a newer version of
the same record has itself been current for longer than that. The newest version of every record
is never deleted, so staging and the marts do not change; only history older than the window goes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dlt
from dlt.pipeline.pipeline import Pipeline

SETTING = "raw_versions.keep_superseded_days"


def keep_superseded_days() -> int | None:
    """The configured window in days, or None: keep every version (the default)."""
    value = dlt.config.get(SETTING, int)
    if value is not None and value < 0:
        raise ValueError(f"{SETTING}={value}: set a number of days ≥ 0, or remove it to keep every version.")
    return value


def _versioned_tables(pipeline: Pipeline) -> dict[str, tuple[list[str], str]]:
    """table -> (record key columns, version column), for tables merged on key + version stamp."""
    found = {}
    for table in pipeline.default_schema.data_tables():
        columns = table.get("columns", {})
        version = next((name for name, c in columns.items() if c.get("dedup_sort")), None)
        key = [name for name, c in columns.items() if c.get("primary_key") and name != version]
        if version and key and columns[version].get("data_type") in ("timestamp", "date"):
            found[table["name"]] = (key, version)
    return found


def prune_superseded_versions(pipeline: Pipeline, keep_days: int, now: datetime) -> dict[str, int]:
    """Delete versions superseded more than `keep_days` before `now`; rows deleted per table."""
    cutoff = (now - timedelta(days=keep_days)).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+00")
    pruned = {}
    with pipeline.sql_client() as client:
        for name, (key, version) in _versioned_tables(pipeline).items():
            table = client.make_qualified_table_name(name)
            same_record = " and ".join(f"newer.{c} = old.{c}" for c in key)
            # A newer version exists and became current before the cutoff.
            superseded = (
                f"exists (select 1 from {table} as newer where {same_record} "
                f"and newer.{version} > old.{version} "
                f"and newer.{version} < cast('{cutoff}' as timestamp with time zone))"
            )
            ((count,),) = client.execute_sql(f"select count(*) from {table} as old where {superseded}")
            if count:
                client.execute_sql(f"delete from {table} as old where {superseded}")
                pruned[name] = count
    return pruned
