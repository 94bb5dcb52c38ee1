"""A failed dbt test's sample of failing rows, read by running its compiled query (dbt stores no
failures view), on a small DuckDB file: what the check shows, a query ending in a comment, a
unit test (whose query returns no failing rows), and a build that left no run_results.json."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.transform.test_failures import compiled_queries, with_failing_rows

UNIQUE_ID = "test.salesops_warehouse.primary_key_stg_deals_deal_id"
NODES = {
    UNIQUE_ID: {
        "resource_type": "test",
        "name": "primary_key_stg_deals_deal_id",
        "column_name": "deal_id",
        "test_metadata": {"name": "primary_key"},
    }
}
# As dbt compiles it, with a trailing comment that must not swallow the subquery's parenthesis.
DUPLICATED_KEYS = """
select deal_id, count(*) as n_records
from deals
group by deal_id
having count(*) > 1 or deal_id is null
-- keys once each"""
RUN_RESULTS = {"results": [{"unique_id": UNIQUE_ID, "compiled_code": DUPLICATED_KEYS}, {"unique_id": "x"}]}


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create table deals (deal_id varchar)")
        connection.execute("insert into deals values ('D1'), ('D2'), ('D2'), ('D3'), ('D3')")
    monkeypatch.setenv("SALESOPS_TARGET", "duckdb")
    monkeypatch.setenv("SALESOPS_WAREHOUSE_PATH", str(path))
    return path


def failed(unique_id: str = UNIQUE_ID) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(["staging", "stg_deals"]),
        check_name="primary_key_stg_deals_deal_id",
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"unique_id": unique_id},
    )


def test_a_failed_tests_rows_come_from_its_compiled_query(warehouse: Path) -> None:
    passed = dg.AssetCheckResult(asset_key=dg.AssetKey(["staging", "stg_deals"]), passed=True)
    events = list(with_failing_rows([passed, failed()], NODES, lambda: RUN_RESULTS))
    assert events[0] is passed
    failures = events[1].metadata["failures"].value
    assert "| primary_key | deal_id | blocking | 2 |" in failures
    assert "deal_id=D2, n_records=2" in failures and "deal_id=D3, n_records=2" in failures
    assert events[1].description == "primary_key(deal_id): 2 row(s)"


def test_no_query_is_run_for_a_unit_test_or_without_run_results(warehouse: Path) -> None:
    unit_test = "unit_test.salesops_warehouse.stg_deals.keeps_each_deal"
    results = {"results": [{"unique_id": unit_test, "compiled_code": "select 1 as deal_id"}]}
    (event,) = with_failing_rows([failed(unit_test)], NODES, lambda: results)
    assert "| 1 |" not in event.metadata["failures"].value and "| ? |" in event.metadata["failures"].value

    def missing() -> dict:
        raise FileNotFoundError("target/run_results.json")

    assert compiled_queries(missing) == {}
    (event,) = with_failing_rows([failed()], NODES, missing)
    assert "| ? |" in event.metadata["failures"].value
    assert compiled_queries(lambda: RUN_RESULTS) == {UNIQUE_ID: DUPLICATED_KEYS}
