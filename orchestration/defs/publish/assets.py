"""Write-audit-publish: the serving stores BI reads, published only from audited marts.

Each store is an asset downstream of the marts it serves, so a failed blocking check on any of
them (or anything upstream) skips publishing in that run; the asset also re-reads the latest
check results itself before it writes anything.
"""

from datetime import UTC, datetime

import dagster as dg

from orchestration import settings
from orchestration.defs.previous_results import previous_metadata
from orchestration.defs.publish.gate import failed_blocking_checks, refusal
from orchestration.defs.publish.publication import (
    already_published,
    forget_publication,
    marts_of_this_run,
    record_publication,
)
from orchestration.defs.resources import Warehouse
from orchestration.serving.charts import CHARTS
from orchestration.serving.duckdb_publish import publish_duckdb, serving_file
from orchestration.serving.postgres_publish import publish_postgres
from orchestration.serving.reader import key_totals, serving_reader
from orchestration.serving.stores import STORES, ServingStore
from orchestration.warehouse_location import location
from orchestration.warehouse_lock import warehouse_turn


def serving_asset(
    store: ServingStore, marts: list[dg.AssetKey], gate: list[dg.AssetCheckKey]
) -> dg.AssetsDefinition:
    """The store's publish step; `gate` is every check whose latest result must not be a blocking
    failure."""

    @dg.asset(
        key=dg.AssetKey(["serving", store.name]),
        group_name="serving",
        owners=["team:data-engineering"],
        kinds={"duckdb" if settings.warehouse_target() == "duckdb" else "postgres"},
        deps=marts,
        pool=settings.WAREHOUSE_POOL,
        description=(
            f"The {store.name} serving store BI reads ({', '.join(store.file_schemas)} marts), swapped in "
            "atomically after the quality gate passed; every table carries _run_id and _published_at."
        ),
    )
    def publish(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.in_use(), warehouse_turn(context.log.info):
            return publish_after_the_gate(context, store, gate, marts)

    return publish


def publish_after_the_gate(
    context: dg.AssetExecutionContext,
    store: ServingStore,
    gate: list[dg.AssetCheckKey],
    mart_keys: list[dg.AssetKey],
) -> dg.MaterializeResult:
    failed = failed_blocking_checks(context.instance, gate)
    if failed:
        raise dg.Failure(description=refusal(failed))
    marts = marts_of_this_run(store, context.run_id)
    if already_published(store, marts):
        context.log.info(f"{store.name}: its marts are as last published; the store is left as it is")
        return dg.MaterializeResult(
            metadata={
                **previous_metadata(context.instance, context.asset_key),
                "unchanged": "the marts hold the rows last published: not copied again",
            }
        )
    forget_publication(store)
    published_at = datetime.now(UTC)
    where = location()
    if where.is_postgres:
        counts = publish_postgres(where.pg_params(), store, context.run_id, published_at)
        published_to = f"schemas {', '.join(store.postgres_schemas)}"
    else:
        source = where if where.is_spark else where.duckdb_path
        counts = publish_duckdb(source, settings.serving_dir(), store, context.run_id, published_at)
        published_to = str(serving_file(settings.serving_dir(), store))
    record_publication(store, marts)
    with serving_reader(store) as reader:
        totals = key_totals(reader, [store])
    charts = charts_of(context.instance, mart_keys)
    return dg.MaterializeResult(
        metadata={
            "location": published_to,
            "published_at": published_at.isoformat(),
            "tables": dg.MetadataValue.md(
                "\n".join(["| table | rows |", "|---|---|"] + [f"| {t} | {n} |" for t, n in counts.items()])
            ),
            "dagster/row_count": sum(counts.values()),
            **totals,
            **({"charts": dg.MetadataValue.md(charts)} if charts else {}),
        }
    )


def charts_of(instance: dg.DagsterInstance, marts: list[dg.AssetKey]) -> str:
    """The charts the marts' materializations show, drawn once after dbt: the store holds the
    same rows (the dbt step of this run built or verified them)."""
    by_table = {key.path[-1]: key for key in marts}
    parts = [
        str(chart.value)
        for table in CHARTS
        if table in by_table and (chart := previous_metadata(instance, by_table[table]).get("chart"))
    ]
    return "\n\n".join(parts)


def publish_defs(warehouse_assets: dg.Definitions, checks: list[dg.AssetChecksDefinition]) -> dg.Definitions:
    """One publish asset per serving store, downstream of its marts, gated by every check."""
    assets = list(warehouse_assets.assets or [])
    keys = [key for asset in assets for key in asset.keys]
    gate = [key for definition in [*assets, *checks] for key in definition.check_keys]
    return dg.Definitions(
        assets=[
            serving_asset(store, [key for key in keys if key.path[0] in store.mart_schemas], gate)
            for store in STORES
        ]
    )
