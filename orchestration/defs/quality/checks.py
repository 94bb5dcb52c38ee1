"""Every Great Expectations suite as two asset checks on the asset it validates, from one
validation: `<table>_expectations` fails with ERROR when a blocking expectation fails, so nothing
downstream of that asset runs in that run, publishing included; `<table>_warnings` fails with
WARN when a warning does, which shows in the UI, named as a warning, and stops nothing.
"""

from collections.abc import Iterable, Iterator

import dagster as dg

from expectations.runner import is_row_count_rule, run_rules, validate
from expectations.spec import SuiteSpec
from expectations.suites import ALL_SUITES
from orchestration import settings
from orchestration import warehouse as connections
from orchestration.defs.quality.results import (
    FINGERPRINT,
    last_good_row_count,
    reused_results,
    to_check_results,
)
from orchestration.defs.quality.warehouse_reader import (
    read_suite_rows,
    suite_fingerprint,
    suite_query,
    validated_columns,
)
from orchestration.defs.resources import ReportingDay, Warehouse
from orchestration.memory import release_freed_memory
from orchestration.warehouse_lock import warehouse_turn


def expectation_check(spec: SuiteSpec) -> dg.AssetChecksDefinition:
    key = dg.AssetKey([spec.schema, spec.table])
    blocking_key = dg.AssetCheckKey(key, spec.check_name)
    warning_key = dg.AssetCheckKey(key, spec.warning_check_name)
    validated_on = f" (validated on its newest {spec.slice_days} days)" if spec.slice_column else ""

    @dg.multi_asset_check(
        name=f"{spec.schema}__{spec.table}_suite",
        specs=[
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
        ],
        pool=settings.WAREHOUSE_POOL,
    )
    def check(
        context: dg.AssetCheckExecutionContext, reporting_day: ReportingDay, warehouse: Warehouse
    ) -> Iterator[dg.AssetCheckResult]:
        with warehouse.in_use():
            yield from validated(context, reporting_day)

    def validated(
        context: dg.AssetCheckExecutionContext, reporting_day: ReportingDay
    ) -> Iterator[dg.AssetCheckResult]:
        previous = last_good_row_count(context.instance, blocking_key)
        with warehouse_turn(context.log.info), connections.one_connection():
            rules = run_rules(spec, previous)
            columns = validated_columns(spec, rules)
            query = suite_query(spec, columns)
            fixed_rules = [rule for rule in rules if not is_row_count_rule(rule)]
            # Only the recency rule reads the day: other suites' outcomes do not change with it.
            day = reporting_day.day() if spec.recency_column else None
            fingerprint = suite_fingerprint(spec, query, columns, fixed_rules, day)
            reused = reused_results(context.instance, [blocking_key, warning_key], fingerprint, rules)
            if reused is not None:
                context.log.info(f"{spec.name}: same rows and rules as its last validation; results reused")
                yield from reused
                return
            rows = read_suite_rows(spec, query)
        validation = validate(spec, rows, rules, settings.quality_dir(), reporting_day.day())
        del rows
        release_freed_memory()
        for result in to_check_results(validation, blocking_key, warning_key):
            yield result._replace(metadata={**(result.metadata or {}), FINGERPRINT: fingerprint})

    return check


def expectation_checks(asset_keys: Iterable[dg.AssetKey]) -> list[dg.AssetChecksDefinition]:
    """Checks for the suites whose table is one of `asset_keys` (the configured sources' tables)."""
    present = set(asset_keys)
    return [
        expectation_check(spec) for spec in ALL_SUITES if dg.AssetKey([spec.schema, spec.table]) in present
    ]
