"""Every dbt model, seed and test as Dagster assets and checks, built with `dbt build`."""

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration import settings
from orchestration.defs.transform.project import dbt_project
from orchestration.defs.transform.translator import WarehouseDbtTranslator

DBT_EXECUTABLE = (
    str(Path(sys.executable).with_name("dbt"))
    if Path(sys.executable).with_name("dbt").exists()
    else (shutil.which("dbt") or "dbt")
)


@dbt_assets(
    manifest=dbt_project().manifest_path,
    dagster_dbt_translator=WarehouseDbtTranslator(),
    pool=settings.WAREHOUSE_POOL,
)
def warehouse_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator:
    yield from dbt.cli(["build"], context=context).stream()


defs = dg.Definitions(
    assets=[warehouse_dbt_assets],
    # dbt from this environment, even when the process was started without its bin/ on PATH.
    resources={"dbt": DbtCliResource(project_dir=dbt_project(), dbt_executable=DBT_EXECUTABLE)},
)
