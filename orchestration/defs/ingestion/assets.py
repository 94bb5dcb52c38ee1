"""Raw tables loaded by dlt: the configured CRM and finance sources, and the plan files."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import dagster as dg
from dagster_dlt import DagsterDltResource, dlt_assets
from dlt.extract.source import DltSource
from dlt.pipeline.pipeline import Pipeline

from ingestion.export_files import crm_exports, finance_exports
from ingestion.finance.erp_database import finance_database
from ingestion.hubspot import hubspot
from ingestion.plans import plan_files
from ingestion.retention import keep_superseded_days, prune_superseded_versions
from ingestion.salesforce import salesforce
from ingestion.zoho import zoho
from ingestion.zoho.backup import zoho_backup
from orchestration import settings
from orchestration.defs.ingestion.pipelines import described_pipeline, warehouse_pipeline
from orchestration.defs.ingestion.translator import RawTableTranslator
from orchestration.defs.resources import Warehouse
from orchestration.memory import release_freed_memory
from orchestration.warehouse_location import location
from orchestration.warehouse_lock import warehouse_turn


def with_rejected_count(result: object, pipeline: Pipeline, context: dg.AssetExecutionContext) -> object:
    """Add the number of rows this load sent to `<table>__rejected`, and say where to look."""
    if not isinstance(result, dg.MaterializeResult) or result.asset_key is None:
        return result
    table = result.asset_key.path[-1]
    rejected = pipeline.last_trace.last_normalize_info.row_counts.get(f"{table}__rejected", 0)
    if rejected:
        context.log.warning(
            f"{rejected} row(s) of {table} broke its contract and were kept in "
            f"{pipeline.dataset_name}.{table}__rejected with the reason; fix them at the source and reload."
        )
    return result._replace(
        metadata={**(result.metadata or {}), "rejected_rows": dg.MetadataValue.int(rejected)}
    )


def load_options() -> dict[str, str]:
    """Options of dlt's run: the lake (Spark) takes Parquet files, whatever the source yields."""
    return {"loader_file_format": "parquet"} if location().is_spark else {}


def raw_table_assets(
    make_source: Callable[[], DltSource], dataset: str, group: str, owner: str, quarantines_rows: bool = True
) -> dg.AssetsDefinition:
    """One asset per resource of the source, loaded into `dataset` by a pipeline named after it.

    Every run extracts from a fresh source and pipeline: a dlt source keeps per-extract state
    (table variants for rejected rows), and the warehouse is the run's `warehouse` resource.
    """
    source = make_source()
    pipeline = described_pipeline(source.name, dataset)

    @dlt_assets(
        dlt_source=source,
        dlt_pipeline=pipeline,
        name=source.name,
        dagster_dlt_translator=RawTableTranslator(group, owner, quarantines_rows),
        pool=settings.WAREHOUSE_POOL,
    )
    def load(context: dg.AssetExecutionContext, dlt: DagsterDltResource, warehouse: Warehouse) -> Iterator:
        with warehouse.in_use(), warehouse_turn(context.log.info):
            run_pipeline = warehouse_pipeline(source.name, dataset)
            for result in dlt.run(
                context=context, dlt_source=make_source(), dlt_pipeline=run_pipeline, **load_options()
            ):
                yield with_rejected_count(result, run_pipeline, context)
            release_freed_memory()
            keep_days = keep_superseded_days()
            if keep_days is not None and location().is_spark:
                context.log.warning(
                    "raw_versions.keep_superseded_days is not applied on Spark: the lake's Parquet "
                    "files are append-only (staging reads the newest version of each record)"
                )
            elif keep_days is not None:
                pruned = prune_superseded_versions(run_pipeline, keep_days, datetime.now(UTC))
                for table, rows in pruned.items():
                    context.log.info(
                        f"{table}: {rows} version(s) superseded over {keep_days} days ago deleted"
                    )

    return load


# Each CRM connector's dlt source; settings.CRM_DATASETS names the dataset it loads.
CRM_CONNECTORS: dict[str, Callable[[], DltSource]] = {
    "files": lambda: crm_exports(str(settings.exports_dir())),
    "salesforce": salesforce,
    "hubspot": hubspot,
    "zoho": zoho,
    "zoho_files": lambda: zoho_backup(str(settings.exports_dir())),
}


OWNER = "team:data-engineering"


def crm_assets() -> list[dg.AssetsDefinition]:
    return [
        raw_table_assets(CRM_CONNECTORS[source], settings.CRM_DATASETS[source], "crm", OWNER)
        for source in settings.crm_sources()
    ]


def finance_assets() -> dg.AssetsDefinition:
    if settings.finance_source() == "database":
        return raw_table_assets(finance_database, "raw_finance", "finance", "team:data-engineering")
    return raw_table_assets(
        lambda: finance_exports(str(settings.exports_dir())),
        "raw_finance",
        "finance",
        "team:data-engineering",
    )


defs = dg.Definitions(
    assets=[
        *crm_assets(),
        finance_assets(),
        raw_table_assets(
            lambda: plan_files(str(settings.plans_dir())),
            "raw_plans",
            "plans",
            "team:sales-ops",
            quarantines_rows=False,  # plans are validated whole: a bad file loads nothing
        ),
    ],
    resources={"dlt": DagsterDltResource()},
)
