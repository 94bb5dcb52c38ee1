"""Raw tables loaded by dlt: CRM exports, finance exports and plan files."""

from collections.abc import Iterator

import dagster as dg
from dagster_dlt import DagsterDltResource, dlt_assets
from dlt.extract.source import DltSource

from ingestion.export_files import crm_exports, finance_exports
from ingestion.plans import plan_files
from orchestration import settings
from orchestration.defs.ingestion.pipelines import warehouse_pipeline
from orchestration.defs.ingestion.translator import RawTableTranslator


def raw_table_assets(source: DltSource, dataset: str, group: str, owner: str) -> dg.AssetsDefinition:
    """One asset per resource of `source`, loaded into `dataset` by a pipeline named after it."""

    @dlt_assets(
        dlt_source=source,
        dlt_pipeline=warehouse_pipeline(source.name, dataset),
        name=source.name,
        dagster_dlt_translator=RawTableTranslator(group, owner),
        pool=settings.WAREHOUSE_POOL,
    )
    def load(context: dg.AssetExecutionContext, dlt: DagsterDltResource) -> Iterator:
        yield from dlt.run(context=context)

    return load


defs = dg.Definitions(
    assets=[
        raw_table_assets(
            crm_exports(str(settings.exports_dir())), "raw_salesforce", "crm", "team:data-engineering"
        ),
        raw_table_assets(
            finance_exports(str(settings.exports_dir())), "raw_finance", "finance", "team:data-engineering"
        ),
        raw_table_assets(plan_files(str(settings.plans_dir())), "raw_plans", "plans", "team:sales-ops"),
    ],
    resources={"dlt": DagsterDltResource()},
)
