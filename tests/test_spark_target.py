"""The Spark target (issue 19, first step): raw tables written to a lake folder by dlt's filesystem
destination (Parquet; it appends, having no merge), registered as external tables when dbt starts,
and the staging layer built and tested on Spark in local mode (dbt-spark's session method). The
staging models' key tests pass only if the lake's repeated versions are read once."""

from __future__ import annotations

from pathlib import Path

import dlt
import duckdb
import pytest

from ingestion.export_files import crm_exports, finance_exports
from ingestion.plans import plan_files
from tests.conftest import require_java
from tests.dbt_runner import dbt_build

AS_OF = "2026-03-31"  # the demo_exports fixture's


@pytest.fixture(scope="module")
def spark_run(demo_exports: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    require_java()
    work = tmp_path_factory.mktemp("spark")
    lake = work / "lake"
    for dataset, source in (
        ("raw_salesforce", crm_exports(str(demo_exports))),
        ("raw_finance", finance_exports(str(demo_exports))),
        ("raw_plans", plan_files(str(demo_exports / "plans"))),
    ):
        pipeline = dlt.pipeline(
            pipeline_name=f"lake_{dataset}",
            destination=dlt.destinations.filesystem(bucket_url=str(lake)),
            dataset_name=dataset,
            pipelines_dir=str(work / "dlt"),
        )
        pipeline.run(source, loader_file_format="parquet")
    return {
        "SALESOPS_TARGET": "spark",
        "SALESOPS_LAKE_DIR": str(lake),
        "SALESOPS_SPARK_WAREHOUSE_DIR": str(work / "spark-warehouse"),
        "SALESOPS_AS_OF_DATE": AS_OF,
    }


def spark_work(spark_run: dict[str, str]) -> Path:
    """The run's folder (dbt's target and logs go there)."""
    return Path(spark_run["SALESOPS_LAKE_DIR"]).parent


def lake_repeats_versions(lake: str) -> int:
    """The lake holds repeated versions (the demo repeats rows across monthly files; a merge would
    have collapsed them): staging's key tests fail if it reads them twice. Returns the versions."""
    with duckdb.connect() as con:
        rows, versions, opportunities = con.execute(
            f"select count(*), count(distinct (id, system_modstamp)), count(distinct id) "
            f"from read_parquet('{lake}/raw_salesforce/opportunity/*.parquet')"
        ).fetchone()
    assert rows > versions > opportunities > 100
    return versions


# The key tests of the models that read raw versions, which the lake repeats.
VERSION_KEY_TESTS = (
    "primary_key_stg_salesforce__opportunity_versions_opportunity_version_id",
    "primary_key_stg_salesforce__opportunities_opportunity_id",
    "primary_key_stg_salesforce__account_versions_account_version_id",
    "primary_key_stg_salesforce__tasks_task_id",
)


def test_the_staging_models_build_on_spark_and_read_each_version_once(spark_run: dict[str, str]) -> None:
    """Always on: every staging model (and the CRM users the plan files reference) built on Spark,
    and the key tests of those reading repeated versions."""
    lake_repeats_versions(spark_run["SALESOPS_LAKE_DIR"])
    # dbt_build's cautious indirect selection is overridden: only the listed tests run.
    build = dbt_build(
        spark_work(spark_run), spark_run, "--select", "staging,resource_type:model",
        "+int_crm_users,resource_type:model", *VERSION_KEY_TESTS, "--indirect-selection", "empty",
    )  # fmt: skip
    assert "ERROR=0" in build.stdout
    assert all(f"PASS {test}" in build.stdout for test in VERSION_KEY_TESTS), build.stdout[-3000:]
    assert "OK created sql view model staging.stg_plans__comp_plans" in build.stdout


@pytest.mark.slow
def test_every_staging_test_passes_on_spark(spark_run: dict[str, str]) -> None:
    """The whole staging layer with every one of its tests on Spark (about 150 nodes; a minute
    and a half alone): `uv run pytest -m slow tests/test_spark_target.py`."""
    build = dbt_build(
        spark_work(spark_run), spark_run, "--select", "staging", "+int_crm_users",
        "--exclude-resource-type", "unit_test",
    )  # fmt: skip
    assert "ERROR=0" in build.stdout and "PASS=" in build.stdout
