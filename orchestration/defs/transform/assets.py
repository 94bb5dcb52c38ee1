"""Every dbt model, seed and test as Dagster assets and checks, built with `dbt build`.

A mart's materialization carries what a manager looks for (row count, key totals, a preview and
its chart). Those are read once dbt has exited, because a DuckDB writer blocks every reader, so
the events from the first mart on (dbt tests' results included, in their order) wait until the
build ends; the staging models before them show as they finish.
"""

import functools
from collections.abc import Iterator
from graphlib import TopologicalSorter
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliInvocation, DbtCliResource, dbt_assets

from orchestration import settings
from orchestration.defs.previous_results import previous_check_results, previous_metadata
from orchestration.defs.resources import ReportingDay, Warehouse, default_reporting_day, default_warehouse
from orchestration.defs.transform.build_key import (
    build_inputs,
    changed_inputs,
    last_build_day,
    record_build,
    recorded_inputs,
    stamp_path,
)
from orchestration.defs.transform.cli_resource import launched_dbt
from orchestration.defs.transform.kept_views import views_to_keep
from orchestration.defs.transform.project import (
    dbt_environment,
    dbt_project,
    dbt_vars,
    prepare_manifest,
    record_unit_tests_passed,
    unit_tests_passed,
)
from orchestration.defs.transform.test_failures import is_failed_test, with_failing_rows
from orchestration.defs.transform.translator import WarehouseDbtTranslator
from orchestration.defs.transform.unaffected import nodes_to_leave_out
from orchestration.serving.mart_metadata import mart_metadata
from orchestration.serving.reader import warehouse_reader
from orchestration.serving.stores import STORES
from orchestration.warehouse_lock import warehouse_turn

MART_SCHEMAS = {schema for store in STORES for schema in store.mart_schemas}

# `dagster dev` on a checkout no run has prepared: parse first (a run prepares its own).
if not dbt_project().manifest_path.exists():
    prepare_manifest()


@dbt_assets(
    manifest=dbt_project().manifest_path,
    dagster_dbt_translator=WarehouseDbtTranslator(),
    pool=settings.WAREHOUSE_POOL,
)
def warehouse_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, reporting_day: ReportingDay, warehouse: Warehouse
) -> Iterator:
    with warehouse.in_use(), warehouse_turn(context.log.info):
        yield from build_what_changed(context, dbt, reporting_day)


def build_what_changed(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, reporting_day: ReportingDay
) -> Iterator:
    selection = [key.to_user_string() for key in context.selected_asset_keys]
    stamp = stamp_path()
    day = reporting_day.day()
    manifest = dbt_project().manifest_path
    inputs = build_inputs(manifest, selection, MART_SCHEMAS, day)
    changed = changed_inputs(stamp, inputs)
    if not changed:
        context.log.info(
            "dbt: the project, the as-of date, every source and every mart are as the last "
            "successful build left them; nothing to rebuild."
        )
        record_build(stamp, inputs, context.run_id)
        yield from unchanged_results(context, None)
        return
    context.log.info(f"dbt build, since these changed: {', '.join(changed[:20])}")
    # Unit tests read fixed rows, not the warehouse: they run once per version of the code.
    with_units = not unit_tests_passed()
    arguments = ["build"] if with_units else ["build", "--exclude-resource-type", "unit_test"]
    before, whole = recorded_inputs(stamp), whole_project(context)
    kept = views_to_keep(manifest, before, inputs) if whole else []
    unaffected = sorted(set(nodes_to_leave_out(manifest, before, inputs, kept)) - set(kept)) if whole else []
    left_out = sorted({*kept, *unaffected})
    if kept:
        context.log.info(f"dbt: {len(kept)} views kept as they are (same code)")
    if unaffected:
        context.log.info(
            f"dbt: {len(unaffected)} models and tests read nothing that changed since the last "
            "successful build; left as it left them"
        )
    if left_out:
        # Every other test stays selected (by the whole-project selection), those of kept views
        # too. One value: dagster-dbt takes --exclude's single argument (dbt splits it on spaces).
        arguments += ["--exclude", " ".join(left_out), "--indirect-selection", "empty"]
    stamp.unlink(missing_ok=True)
    # Marts left out first: a mart dbt builds may read one (Dagster wants dependency order).
    yield from unchanged_results(context, set(unaffected))
    continued = last_build_day(before, inputs)
    threads = settings.dbt_threads(continues_last_build=continued is not None)
    arguments += ["--threads", str(threads)] if threads else []
    with dbt_environment(reporting_day.as_of_date, continued):
        invocation = dbt.cli([*arguments, *dbt_vars()], context=context, raise_on_error=False)
    yield from build(context, invocation)
    if with_units:
        record_unit_tests_passed()
    after = build_inputs(manifest, selection, MART_SCHEMAS, day)
    record_build(stamp, after, context.run_id)


def whole_project(context: dg.AssetExecutionContext) -> bool:
    """Every dbt model and test is selected (the run's job, not a subset picked in the UI): the
    test dagster-dbt itself makes before selecting all of dbt's nodes."""
    assets = context.assets_def
    return (
        assets.keys_by_output_name == assets.node_keys_by_output_name
        and assets.check_specs_by_output_name == assets.node_check_specs_by_output_name
    )


def build(context: dg.AssetExecutionContext, invocation: DbtCliInvocation) -> Iterator:
    held: list[tuple[Any, dg.AssetKey | None]] = []  # (event, the mart it materializes)
    failed_tests: list[Any] = []  # their failing rows are read once dbt has exited
    try:
        for event in invocation.stream():
            key = event.asset_key if isinstance(event, dg.AssetCheckResult) else None
            if isinstance(event, dg.Output):
                key = context.asset_key_for_output(event.output_name)
            is_mart = key is not None and key.path[0] in MART_SCHEMAS
            # Dagster wants a multi-asset's outputs in dependency order: from the first mart on, hold all.
            if held or is_mart:
                held.append((event, key if is_mart and isinstance(event, dg.Output) else None))
            elif is_failed_test(event):
                failed_tests.append(event)
            else:
                yield event
    except BaseException:
        # The step is failing or being canceled: dbt must not outlive it, holding the warehouse
        # (and, with nobody reading its output, blocked forever).
        invocation.process.kill()
        invocation.process.wait()
        raise
    error = invocation.get_error()  # waits for dbt to exit and release the warehouse
    nodes = invocation.manifest["nodes"]
    # Read once, and only if a test failed.
    run_results = functools.cache(functools.partial(invocation.get_artifact, "run_results.json"))
    yield from with_failing_rows(failed_tests, nodes, run_results)
    yield from with_failing_rows(with_mart_metadata(held), nodes, run_results)
    if error:
        raise error


def unchanged_results(context: dg.AssetExecutionContext, names: set[str] | None) -> Iterator[Any]:
    """Per selected mart (of those dbt `names`, or all), in dependency order: an output saying
    nothing was rebuilt, with what its last materialization showed (row count, totals, chart: the
    rows are the same), then the last results of its tests (of `names`, or all). The marts are
    what the checks, publishing and the freshness SLAs read; staging and intermediate models keep
    their last build and its results (dbt's outputs may be skipped), so an idle run writes a
    quarter of the events."""
    selected = {
        key
        for key in context.selected_asset_keys
        if key.path[0] in MART_SCHEMAS and (names is None or key.path[-1] in names)
    }
    dependencies = context.assets_def.asset_deps
    ordered = TopologicalSorter({key: dependencies.get(key, set()) for key in selected}).static_order()
    checks_of: dict[dg.AssetKey, list[dg.AssetCheckKey]] = {}
    for check_key in context.selected_asset_check_keys:
        if names is None or check_key.name in names:
            checks_of.setdefault(check_key.asset_key, []).append(check_key)
    for key in (key for key in ordered if key in selected):
        yield dg.Output(
            None,
            output_name=context.assets_def.get_output_name_for_asset_key(key),
            metadata={
                **previous_metadata(context.instance, key),
                "dbt": "unchanged since the last successful build: not rebuilt",
            },
        )
        yield from previous_check_results(context.instance, checks_of.get(key, []))


def with_mart_metadata(held: list[tuple[Any, dg.AssetKey | None]]) -> Iterator[Any]:
    marts = {key.path[-1]: key.path[0] for _, key in held if key is not None}
    if not marts:
        yield from (event for event, _ in held)
        return
    with warehouse_reader(marts) as reader:
        for event, key in held:
            if key is not None:
                event = event.with_metadata({**event.metadata, **mart_metadata(reader, key.path[-1])})
            yield event


defs = dg.Definitions(
    assets=[warehouse_dbt_assets],
    resources={
        # The day the marts report for (run config may set it); the checks read it too.
        "reporting_day": default_reporting_day(),
        # Which warehouse the run's assets and checks open (run config may point elsewhere).
        "warehouse": default_warehouse(),
        "dbt": launched_dbt(),
    },
)
