"""What a failed dbt test found, in the form the other checks give it: the test, its column, its
severity, how many rows fail and a sample of them. The sample comes from the test's own query as
dbt compiled and ran it (run_results.json), run again once dbt has exited (a DuckDB writer blocks
every reader); dbt stores no failures view per test (`store_failures_as: ephemeral`): dropping
and creating one for each of a day's 144 tests cost 2.5-3 s of its build at scale 10, and only
a failed test's rows are ever read."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
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


def with_failing_rows(
    events: Iterable[Any], nodes: Mapping[str, Any], run_results: Callable[[], Mapping[str, Any]]
) -> Iterator[Any]:
    """`events`, each failed dbt test's result carrying a sample of its failing rows (`nodes`: the
    manifest's, as dagster-dbt already holds them; `run_results`: reads the build's
    run_results.json, asked for only when a test failed)."""
    events = list(events)
    if not any(is_failed_test(event) for event in events):
        yield from events
        return
    compiled = compiled_queries(run_results)
    with warehouse.one_connection():
        for event in events:
            yield _described(event, nodes, compiled) if is_failed_test(event) else event


def compiled_queries(run_results: Callable[[], Mapping[str, Any]]) -> dict[str, str]:
    """Each node's query as dbt compiled and ran it, by unique id, from its run_results.json (none
    when dbt wrote none: it was killed or failed before running anything)."""
    try:
        results = run_results().get("results", [])
    except (OSError, ValueError):
        return {}
    return {result["unique_id"]: result["compiled_code"] for result in results if result.get("compiled_code")}


def _described(
    result: dg.AssetCheckResult, nodes: Mapping[str, Any], compiled: Mapping[str, str]
) -> dg.AssetCheckResult:
    unique_id = str(result.metadata["unique_id"].value)
    node = nodes.get(unique_id, {})
    test = (node.get("test_metadata") or {}).get("name") or node.get("name", result.check_name)
    column = node.get("column_name") or ""
    severity = "blocking" if result.severity == dg.AssetCheckSeverity.ERROR else "warning"
    # A data test's query returns its failing rows; a unit test's (not among `nodes`) does not.
    query = compiled.get(unique_id) if node.get("resource_type") == "test" else None
    count, sample = _failing_rows(query, column)
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


def _failing_rows(query: str | None, column: str) -> tuple[int | str, list[str]]:
    """How many rows the test's query returns and the first few, as `column=value`."""
    if not query:
        return "?", []
    # On its own lines: a query may end with a `--` comment (or a semicolon, which a subquery
    # cannot hold).
    relation = f"(\n{query.strip().rstrip(';')}\n) as failing_rows"
    try:
        ((count,),) = warehouse.fetch_all(f"select count(*) from {relation}")
        with warehouse.read_connection() as connection:
            cursor = connection.cursor()
            cursor.execute(f"select * from {relation} limit {SAMPLE_ROWS}")
            names = [description[0] for description in cursor.description]
            rows = cursor.fetchall()
    except Exception as error:  # a table it read is gone, or the engine refuses it: say so, fail as dbt did
        return "?", [f"(failing rows not readable: {str(error).splitlines()[0]})"]
    shown = [name for name in names[:SAMPLE_COLUMNS]] + ([column] if column in names[SAMPLE_COLUMNS:] else [])
    return count, [", ".join(f"{name}={row[names.index(name)]}" for name in shown) for row in rows]
