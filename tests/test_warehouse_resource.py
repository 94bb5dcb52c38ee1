"""The `warehouse` resource is what every step of a run opens: a run whose config points it at
another DuckDB file loads into that file and validates that file, and leaves the default alone."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest


def _quota_rows(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute("select count(*) from raw_plans.quotas").fetchone()[0]


def test_a_run_config_points_the_loads_and_checks_at_another_warehouse(
    demo_warehouse: Path, tmp_path: Path
) -> None:
    from orchestration.definitions import defs

    other = tmp_path / "other.duckdb"
    default_rows = _quota_rows(demo_warehouse / "warehouse.duckdb")
    plans = list(dg.AssetSelection.groups("plans").resolve(defs.resolve_asset_graph()))
    run_config = {"resources": {"warehouse": {"config": {"duckdb_path": str(other)}}}}
    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("full_run").execute_in_process(
            instance=instance, asset_selection=plans, run_config=run_config
        )
    assert result.success
    loaded = _quota_rows(other)
    assert loaded == default_rows > 0
    quotas_check = next(
        e for e in result.get_asset_check_evaluations() if e.check_name == "quotas_expectations"
    )
    assert quotas_check.passed and quotas_check.metadata["rows_validated"].value == loaded
    with duckdb.connect(str(other), read_only=True) as connection:
        (schemas,) = connection.execute(
            "select list(distinct schema_name order by schema_name) from duckdb_schemas() "
            "where schema_name like 'raw_%'"
        ).fetchone()
    assert schemas == ["raw_plans", "raw_plans_staging"]  # dlt's merge staging beside it


def test_dlt_loads_under_the_projects_duckdb_memory_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dlt's own DuckDB connection (it merges every load) has the cap every other connection
    has, not DuckDB's default of 80 % of the machine."""
    import dlt

    from orchestration.warehouse import dlt_destination

    monkeypatch.setenv("SALESOPS_WAREHOUSE_PATH", str(tmp_path / "capped.duckdb"))
    monkeypatch.setenv("SALESOPS_DUCKDB_MEMORY_LIMIT", "700MB")
    pipeline = dlt.pipeline(
        "capped", destination=dlt_destination(), dataset_name="raw_test", pipelines_dir=str(tmp_path / "dlt")
    )
    pipeline.run([{"id": 1}], table_name="rows")
    with pipeline.sql_client() as client:
        ((limit,),) = client.execute_sql("select current_setting('memory_limit')")
    setting = "select current_setting('memory_limit')"
    with duckdb.connect(config={"memory_limit": "700MB"}) as capped, duckdb.connect() as uncapped:
        (expected,), (default,) = capped.execute(setting).fetchone(), uncapped.execute(setting).fetchone()
    assert limit == expected != default


def test_one_connection_gives_back_what_it_cached_and_keeps_its_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check step reads every suite's rows through one connection: after each suite the engine
    gives back the table blocks it cached (as closing the connection would) and keeps the
    project's memory cap."""
    from orchestration import warehouse

    path = tmp_path / "cached.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "create table facts as select range as id, random() as amount, md5(range::varchar) as name "
            "from range(2000000)"
        )
    monkeypatch.setenv("SALESOPS_WAREHOUSE_PATH", str(path))
    monkeypatch.setenv("SALESOPS_DUCKDB_MEMORY_LIMIT", "700MB")
    cached = "select coalesce(sum(memory_usage_bytes), 0) from duckdb_memory() where tag = 'BASE_TABLE'"
    with warehouse.one_connection():
        assert warehouse.fetch_all("select count(distinct name) from facts where amount < 2") == [(2000000,)]
        ((before,),) = warehouse.fetch_all(cached)
        warehouse.release_read_cache()
        ((after,),) = warehouse.fetch_all(cached)
        ((cap,),) = warehouse.fetch_all("select current_setting('memory_limit')")
    # DuckDB keeps up to the lowered cap (16 MB) while evicting.
    assert before > 32 * 2**20 and after <= 16 * 2**20
    with duckdb.connect(config={"memory_limit": "700MB"}) as capped:
        assert cap == capped.execute("select current_setting('memory_limit')").fetchone()[0]
