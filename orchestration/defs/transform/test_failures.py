"""What a failed dbt test found, in the form the other checks give it: the test, its column, its
severity, how many rows fail and a sample of them. dbt keeps each test's failing rows as a view in
its audit schema (`store_failures_as: view`); they are read once dbt has exited (a DuckDB writer
blocks every reader)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import dagster as dg

from orchestration import warehouse

SAMPLE_ROWS = 5
# Columns shown per sample row (the tested column is always among them): a row of a staging
# model has dozens, its first ones name it.
SAMPLE_COLUMNS = 4


def is_failed_test(event: Any) -> bool:
    return (
        isinstance(event, dg.AssetCheckResult) and not event.passed and "unique_id" in (event.metadata or {})
    )


def with_failing_rows(events: Iterable[Any], nodes: Mapping[str, Any]) -> Iterator[Any]:
    """`events`, each failed dbt test's result carrying a sample of its failing rows (`nodes`: the
    manifest's, as dagster-dbt already holds them)."""
    events = list(events)
    if not any(is_failed_test(event) for event in events):
        yield from events
        return
    with warehouse.one_connection():
        for event in events:
            yield _described(event, nodes) if is_failed_test(event) else event


def _described(result: dg.AssetCheckResult, nodes: Mapping[str, Any]) -> dg.AssetCheckResult:
    node = nodes.get(str(result.metadata["unique_id"].value), {})
    test = (node.get("test_metadata") or {}).get("name") or node.get("name", result.check_name)
    column = node.get("column_name") or ""
    severity = "blocking" if result.severity == dg.AssetCheckSeverity.ERROR else "warning"
    count, sample = _failing_rows(node, column)
    table = "\n".join(
        [
            "| test | column | severity | failing rows | sample of failing rows |",
            "|---|---|---|---|---|",
            f"| {test} | {column} | {severity} | {count} | {'; '.join(sample)} |",
        ]
    )
    return result._replace(
        description=f"{test}({column or 'model'}): {count} row(s)",
        metadata={**result.metadata, "failures": dg.MetadataValue.md(table)},
    )


def _failing_rows(node: Mapping[str, Any], column: str) -> tuple[int | str, list[str]]:
    """How many rows the test's failures view holds and the first few, as `column=value`."""
    if not node.get("alias") or not node.get("schema"):
        return "?", []
    relation = f'"{node["schema"]}"."{node["alias"]}"'
    try:
        ((count,),) = warehouse.fetch_all(f"select count(*) from {relation}")
        with warehouse.read_connection() as connection:
            cursor = connection.cursor()
            cursor.execute(f"select * from {relation} limit {SAMPLE_ROWS}")
            names = [description[0] for description in cursor.description]
            rows = cursor.fetchall()
    except Exception as error:  # the view is gone or the engine refuses it: say so, fail as dbt did
        return "?", [f"(failing rows not readable: {str(error).splitlines()[0]})"]
    shown = [name for name in names[:SAMPLE_COLUMNS]] + ([column] if column in names[SAMPLE_COLUMNS:] else [])
    return count, [", ".join(f"{name}={row[names.index(name)]}" for name in shown) for row in rows]
