"""Every dbt model, seed and test as Dagster assets and checks, built with `dbt build`."""

from collections.abc import Iterator

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration import settings
from orchestration.defs.transform.project import dbt_project
from orchestration.defs.transform.translator import WarehouseDbtTranslator


@dbt_assets(
    manifest=dbt_project().manifest_path,
    dagster_dbt_translator=WarehouseDbtTranslator(),
    pool=settings.WAREHOUSE_POOL,
)
def warehouse_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator:
    yield from dbt.cli(["build"], context=context).stream()


defs = dg.Definitions(
    assets=[warehouse_dbt_assets],
    resources={"dbt": DbtCliResource(project_dir=dbt_project())},
)
