"""Raw tables loaded by dlt: CRM exports, finance exports and plan files."""

from collections.abc import Iterator

import dagster as dg
from dagster_dlt import DagsterDltResource, dlt_assets

from ingestion.export_files import crm_exports, finance_exports
from ingestion.plans import plan_files
from orchestration import settings
from orchestration.defs.ingestion.pipelines import warehouse_pipeline
from orchestration.defs.ingestion.translator import RawTableTranslator


@dlt_assets(
    dlt_source=crm_exports(str(settings.exports_dir())),
    dlt_pipeline=warehouse_pipeline("crm_exports", "raw_salesforce"),
    name="crm_exports",
    dagster_dlt_translator=RawTableTranslator("crm", "team:data-engineering"),
    pool=settings.WAREHOUSE_POOL,
)
def crm_export_assets(context: dg.AssetExecutionContext, dlt: DagsterDltResource) -> Iterator:
    yield from dlt.run(context=context)


@dlt_assets(
    dlt_source=finance_exports(str(settings.exports_dir())),
    dlt_pipeline=warehouse_pipeline("finance_exports", "raw_finance"),
    name="finance_exports",
    dagster_dlt_translator=RawTableTranslator("finance", "team:data-engineering"),
    pool=settings.WAREHOUSE_POOL,
)
def finance_export_assets(context: dg.AssetExecutionContext, dlt: DagsterDltResource) -> Iterator:
    yield from dlt.run(context=context)


@dlt_assets(
    dlt_source=plan_files(str(settings.plans_dir())),
    dlt_pipeline=warehouse_pipeline("plan_files", "raw_plans"),
    name="plan_files",
    dagster_dlt_translator=RawTableTranslator("plans", "team:sales-ops"),
    pool=settings.WAREHOUSE_POOL,
)
def plan_file_assets(context: dg.AssetExecutionContext, dlt: DagsterDltResource) -> Iterator:
    yield from dlt.run(context=context)


defs = dg.Definitions(
    assets=[crm_export_assets, finance_export_assets, plan_file_assets],
    resources={"dlt": DagsterDltResource()},
)
