"""The Spark target (issue 19, first step): raw tables written to a lake folder by dlt's filesystem
destination (Parquet; it appends, having no merge), registered as external tables when dbt starts,
and the staging layer built and tested on Spark in local mode (dbt-spark's session method). The
staging models' key tests pass only if the lake's repeated versions are read once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dlt
import duckdb
import pytest

from ingestion.export_files import crm_exports, finance_exports
from ingestion.plans import plan_files
from orchestration import settings

AS_OF = "2026-03-31"  # the demo_exports fixture's


@pytest.fixture(scope="module")
def spark_run(demo_exports: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("Java is required in CI for the Spark target (Spark runs in local mode)")
        pytest.skip("no Java: Spark cannot run in local mode here")
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
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }


def dbt(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--profiles-dir", "."],
        cwd=settings.DBT_PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    return result


def test_staging_builds_on_spark_from_the_lake_and_reads_each_version_once(spark_run: dict[str, str]) -> None:
    lake = spark_run["SALESOPS_LAKE_DIR"]
    # The lake holds repeated versions (the demo repeats rows across monthly files; a merge would
    # have collapsed them): the staging key tests below would fail if staging read them twice.
    with duckdb.connect() as con:
        rows, versions, opportunities = con.execute(
            f"select count(*), count(distinct (id, system_modstamp)), count(distinct id) "
            f"from read_parquet('{lake}/raw_salesforce/opportunity/*.parquet')"
        ).fetchone()
    assert rows > versions > opportunities > 100
    # With the CRM users the plan files' reference tests read.
    build = dbt(
        spark_run, "build", "--select", "staging", "+int_crm_users", "--indirect-selection", "cautious",
        "--exclude-resource-type", "unit_test",
    )  # fmt: skip
    # Every staging test passed, the versions models' key tests among them (they fail when a
    # repeated version is read twice).
    assert "ERROR=0" in build.stdout and "FAIL=" not in build.stdout
    assert "PASS unique_stg_salesforce__opportunity_versions_opportunity_version_id" in build.stdout
    assert "PASS unique_stg_salesforce__opportunities_opportunity_id" in build.stdout
