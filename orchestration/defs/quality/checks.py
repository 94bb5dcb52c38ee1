"""Every Great Expectations suite as two asset checks on the asset it validates, from one
validation: `<table>_expectations` fails with ERROR when a blocking expectation fails, so nothing
downstream of that asset runs in that run, publishing included; `<table>_warnings` fails with
WARN when a warning does, which shows in the UI, named as a warning, and stops nothing. The suites
of a layer (raw tables, marts) run in one step.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import dagster as dg

from expectations.runner import declare_batches, is_row_count_rule, run_rules, validate
from expectations.spec import Rules, SuiteSpec
from expectations.suites import ALL_SUITES
from orchestration import settings
from orchestration import warehouse as connections
from orchestration.defs.previous_results import previous_check_results
from orchestration.defs.quality.changed_rows import (
    NEWEST_VERSION,
    ROWS_READ,
    RULES,
    TABLE_CONTENT,
    changed_after,
    judges_rows_one_by_one,
)
from orchestration.defs.quality.results import (
    FINGERPRINT,
    last_good_row_count,
    reused_results,
    to_check_results,
)
from orchestration.defs.quality.warehouse_reader import (
    newest_version,
    read_suite_rows,
    row_count,
    rules_digest,
    suite_fingerprint,
    suite_query,
    table_content,
    validated_columns,
)
from orchestration.defs.resources import ReportingDay, Warehouse
from orchestration.memory import release_freed_memory
from orchestration.warehouse_lock import warehouse_turn


def check_keys(spec: SuiteSpec) -> tuple[dg.AssetCheckKey, dg.AssetCheckKey]:
    """(the blocking check, the warnings check) of a suite."""
    key = dg.AssetKey([spec.schema, spec.table])
    return dg.AssetCheckKey(key, spec.check_name), dg.AssetCheckKey(key, spec.warning_check_name)


def check_specs(spec: SuiteSpec) -> tuple[dg.AssetCheckSpec, dg.AssetCheckSpec]:
    key = dg.AssetKey([spec.schema, spec.table])
    validated_on = f" (validated on its newest {spec.slice_days} days)" if spec.slice_column else ""
    return (
        dg.AssetCheckSpec(
            spec.check_name,
            asset=key,
            blocking=True,
            description=f"Great Expectations suite {spec.name}, blocking rules{validated_on}",
        ),
        dg.AssetCheckSpec(
            spec.warning_check_name,
            asset=key,
            description=f"Great Expectations suite {spec.name}, warnings (stop nothing){validated_on}",
        ),
    )


def layer_checks(name: str, suites: list[SuiteSpec]) -> dg.AssetChecksDefinition:
    """The suites of one layer as one step: a step costs Dagster about 0.1 s whatever it does,
    which was most of a run's checking when nothing changed. Any subset runs (a source's job, a
    check executed alone in the UI): each suite whose checks are selected."""

    @dg.multi_asset_check(
        name=f"{name}_suite",
        specs=[check for spec in suites for check in check_specs(spec)],
        can_subset=True,
        pool=settings.WAREHOUSE_POOL,
    )
    def check(
        context: dg.AssetCheckExecutionContext, reporting_day: ReportingDay, warehouse: Warehouse
    ) -> Iterator[dg.AssetCheckResult]:
        selected = context.selected_asset_check_keys
        wanted = [spec for spec in suites if set(check_keys(spec)) & selected]
        # One warehouse turn for the step (it holds the warehouse pool anyway, so no other step
        # could use the warehouse meanwhile): the rows a suite reads are those its plan
        # fingerprinted. Every read goes through one connection (opening a large DuckDB file per
        # suite was most of an idle run's checking) that gives back the engine's cache of what a
        # suite read once it is validated.
        results: list[dg.AssetCheckResult] = []
        with warehouse.in_use(), warehouse_turn(context.log.info), connections.one_connection():
            # First, which suites can reuse their results.
            plans = [plan_suite(context, spec, reporting_day) for spec in wanted]
            connections.release_read_cache()  # the planning's fingerprints scanned whole tables
            declare_batches(settings.quality_dir(), [plan.spec.name for plan in plans if plan.reused is None])
            for plan in plans:
                if plan.reused is not None:
                    results += plan.reused
                    continue
                results += validated(plan, reporting_day)
                connections.release_read_cache()
        # Yielded once the turn is given back: nothing the step holds waits on Dagster.
        yield from (r for r in results if dg.AssetCheckKey(r.asset_key, r.check_name) in selected)

    return check


@dataclass(frozen=True)
class SuitePlan:
    """What a suite validates now, and its last results when those can stand."""

    spec: SuiteSpec
    rules: Rules
    columns: list[str]
    query: str
    digest: str  # of the query and rules (`rules_digest`)
    content: str  # of the rows it validates (the step holds the turn until it reads them)
    reused: list[dg.AssetCheckResult] | None
    newest: str | None = None  # a versioned table's newest version stamp
    changed_after: str | None = None  # read only the keys with a version newer than this

    @property
    def fingerprint(self) -> str:
        return suite_fingerprint(self.digest, self.content)


def plan_suite(
    context: dg.AssetCheckExecutionContext, spec: SuiteSpec, reporting_day: ReportingDay
) -> SuitePlan:
    """The suite's rules and query; its last results when its rows and rules are unchanged, or
    which keys' rows it must read again when only some changed (`changed_rows.py`)."""
    blocking_key, warning_key = check_keys(spec)
    rules = run_rules(spec, last_good_row_count(context.instance, blocking_key))
    columns = validated_columns(spec, rules)
    query = suite_query(spec, columns)
    fixed_rules = [rule for rule in rules if not is_row_count_rule(rule)]
    # Only the recency rule reads the day: other suites' outcomes do not change with it.
    digest = rules_digest(query, fixed_rules, reporting_day.day() if spec.recency_column else None)
    plan = SuitePlan(spec, rules, columns, query, digest, table_content(spec, columns), reused=None)
    previous = previous_check_results(context.instance, [blocking_key, warning_key])
    reused = reused_results(previous, plan.fingerprint, rules)
    if reused is not None:
        context.log.info(f"{spec.name}: same rows and rules as its last validation; results reused")
        return replace(plan, reused=reused)
    if not judges_rows_one_by_one(spec, rules):
        return plan
    since = changed_after(spec, columns, digest, previous)
    if since is not None:
        context.log.info(f"{spec.name}: validating the keys with a version newer than {since}")
    return replace(plan, newest=newest_version(spec), changed_after=since)


def validated(plan: SuitePlan, reporting_day: ReportingDay) -> Iterator[dg.AssetCheckResult]:
    """One suite validated once for both its checks (its rows are those its plan fingerprinted:
    the step holds the warehouse turn)."""
    spec = plan.spec
    if plan.changed_after is None:
        rows, table_rows = read_suite_rows(spec, plan.query), None
    else:
        rows = read_suite_rows(spec, suite_query(spec, plan.columns, plan.changed_after))
        table_rows = row_count(plan.query)
    read = len(rows)
    validation = validate(spec, rows, plan.rules, settings.quality_dir(), reporting_day.day(), table_rows)
    del rows
    release_freed_memory()
    marks: dict[str, dg.RawMetadataValue] = {FINGERPRINT: plan.fingerprint, ROWS_READ: read}
    if plan.newest is not None:
        marks |= {NEWEST_VERSION: plan.newest, TABLE_CONTENT: plan.content, RULES: plan.digest}
    for result in to_check_results(validation, *check_keys(spec)):
        yield result._replace(metadata={**(result.metadata or {}), **marks})


def expectation_checks(asset_keys: Iterable[dg.AssetKey]) -> list[dg.AssetChecksDefinition]:
    """Checks for the suites whose table is one of `asset_keys` (the configured sources' tables):
    one step for the raw tables' suites, one for the marts'."""
    present = set(asset_keys)
    suites = [spec for spec in ALL_SUITES if dg.AssetKey([spec.schema, spec.table]) in present]
    layers = {
        "raw_tables": [spec for spec in suites if spec.schema.startswith("raw_")],
        "marts": [spec for spec in suites if not spec.schema.startswith("raw_")],
    }
    return [layer_checks(name, specs) for name, specs in layers.items() if specs]
