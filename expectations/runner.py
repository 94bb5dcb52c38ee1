"""Validates a table's rows against its suite with Great Expectations and keeps the Data Docs.

DataFrames go through GX's pandas datasource on both engines: GX 1.x's SQL datasource returns
metric errors through duckdb_engine, and one path keeps DuckDB and PostgreSQL results alike.
Validation runs as a checkpoint of a file-backed GX project, which stores every result; the Data
Docs site is built once at the end of a run (`build_data_docs`), not after each check, and keeps
the results of the last `keep_runs` validations per suite. `dagster-ge` was never ported to GX 1.x, so turning
results into Dagster check results is done in orchestration/defs/quality/results.py.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from expectations.spec import Rules, SuiteSpec, expect

SAMPLE_ROWS = 5
# A run's row count may fall to half or double (plus a little) of the last good run's before
# the warning shows: growth is normal, a table halving overnight rarely is.
ROW_COUNT_FLOOR, ROW_COUNT_CEILING, ROW_COUNT_SLACK = 0.5, 2.0, 100
DAYS_OLD = "_days_since_newest"
# GX's pandas datasource every suite's DataFrame goes through; each suite has an asset in it
# with one batch definition, "run" (the whole DataFrame).
DATASOURCE, BATCH = "warehouse", "run"
ROW_COUNT_RULE = "expect_table_row_count_to_be_between"


def is_row_count_rule(rule: tuple[Any, str]) -> bool:
    return rule[0].expectation_type == ROW_COUNT_RULE


def row_count_within(rules: Rules, rows: int) -> bool:
    """Whether `rows` meets the suite's row-count rule (true when it has none)."""
    bounds = [e.kwargs for e, severity in rules if is_row_count_rule((e, severity))]
    return all(b["min_value"] <= rows <= b["max_value"] for b in bounds)


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str | None
    severity: str
    success: bool
    unexpected_count: int
    sample: list[Any]


@dataclass(frozen=True)
class Validation:
    outcomes: list[ExpectationOutcome]
    rows: int
    data_docs_page: Path | None


def run_rules(spec: SuiteSpec, previous_rows: int | None) -> Rules:
    """The suite's own rules plus the two every table gets: row count near the last good run's,
    and recency of its newest timestamp."""
    rules = list(spec.rules)
    if previous_rows is not None:
        rules.append(
            (
                expect(
                    "ExpectTableRowCountToBeBetween",
                    min_value=math.floor(previous_rows * ROW_COUNT_FLOOR),
                    max_value=math.ceil(previous_rows * ROW_COUNT_CEILING) + ROW_COUNT_SLACK,
                ),
                "warning",
            )
        )
    if spec.recency_column:
        rules.append(
            (expect("ExpectColumnMinToBeBetween", column=DAYS_OLD, max_value=spec.recent_days), "warning")
        )
    return rules


def with_age_column(frame: pd.DataFrame, column: str, today: date) -> pd.DataFrame:
    """Adds how many days before `today` each row's `column` falls (for the recency rule)."""
    days = pd.to_datetime(frame[column], utc=True).dt.tz_localize(None).dt.normalize()
    return frame.assign(**{DAYS_OLD: (pd.Timestamp(today) - days).dt.days})


@functools.cache
def _context(project_dir: Path) -> Any:
    import great_expectations as gx
    from great_expectations.execution_engine import pandas_execution_engine

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    # GX hashes every DataFrame under this size (1 GB) into a batch marker nothing here reads:
    # 1.2 s of a scale-10 run. What a validation saw is the check's own fingerprint.
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="file", project_root_dir=str(project_dir))
    context.variables.progress_bars = {"globally": False}
    return context


def _datasource(context: Any) -> Any:
    try:
        return context.data_sources.get(DATASOURCE)
    except KeyError:
        return context.data_sources.add_pandas(DATASOURCE)


def declare_batches(quality_dir: Path, names: Iterable[str]) -> None:
    """Gives each suite named that has none yet its asset and batch definition, in one write of
    the GX project's YAML. GX writes the whole file again for every asset and batch definition it
    adds one by one, each time longer: two writes a suite, 3.2 s for the project's 60 suites.
    Those already declared keep their ids (their validation definitions refer to them)."""
    names = list(dict.fromkeys(names))
    if not names:
        return  # nothing to validate: Great Expectations is not even imported
    from great_expectations.datasource.fluent.pandas_datasource import PandasDatasource

    context = _context(quality_dir)
    source = _datasource(context)
    declared = {asset.name for asset in source.assets if asset.batch_definitions}
    missing = [name for name in names if name not in declared]
    if not missing:
        return
    config = json.loads(source.json())
    config["assets"] = [asset for asset in config.get("assets", []) if asset["name"] not in missing] + [
        {"name": name, "type": "dataframe", "batch_definitions": [{"name": BATCH}]} for name in missing
    ]
    context.data_sources.add_or_update_pandas(datasource=PandasDatasource(**config))


def _checkpoint(context: Any, spec: SuiteSpec, rules: Rules) -> Any:
    """The suite's checkpoint, its rules updated, on the batch `declare_batches` gave it."""
    import great_expectations as gx

    # `get_asset`, not `source.assets`, links the asset to its datasource.
    batch = _datasource(context).get_asset(spec.name).batch_definitions[0]
    suite = context.suites.add_or_update(
        gx.ExpectationSuite(name=spec.name, expectations=[e.to_gx(severity) for e, severity in rules])
    )
    # The checkpoint adds or updates its validation definitions itself.
    return context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=spec.name,
            validation_definitions=[gx.ValidationDefinition(name=spec.name, data=batch, suite=suite)],
            actions=[],
            result_format={
                "result_format": "SUMMARY",
                "partial_unexpected_count": SAMPLE_ROWS,
                "unexpected_index_column_names": list(spec.key),
            },
        )
    )


def _sample(details: dict[str, Any]) -> list[Any]:
    """Offending rows by key when GX gives them, else the offending values."""
    rows = details.get("partial_unexpected_index_list") or []
    if rows and isinstance(rows[0], dict):
        return [", ".join(f"{k}={v}" for k, v in row.items()) for row in rows[:SAMPLE_ROWS]]
    values = details.get("partial_unexpected_list") or []
    if not values and "observed_value" in details:
        values = [f"observed {details['observed_value']}"]
    return [str(value) for value in values[:SAMPLE_ROWS]]


def validate(
    spec: SuiteSpec,
    frame: pd.DataFrame,
    rules: Rules,
    quality_dir: Path,
    today: date,
    table_rows: int | None = None,
) -> Validation:
    """Validate `frame` (the suite's rows) against `rules` (from `run_rules`). With `table_rows`,
    `frame` is part of the rows the suite covers, `table_rows` in all: the row-count rule is
    judged on that number, the other rules by GX on the frame."""
    if spec.recency_column:
        frame = with_age_column(frame, spec.recency_column, today)
    counted = table_rows is not None  # the row-count rule is judged here, not by GX
    declare_batches(quality_dir, [spec.name])  # (nothing to write when the step declared it)
    context = _context(quality_dir)
    checkpoint = _checkpoint(
        context, spec, [rule for rule in rules if not (counted and is_row_count_rule(rule))]
    )
    try:
        result = checkpoint.run(batch_parameters={"dataframe": frame})
    finally:
        _forget_batches(context)
    identifier, run_result = next(iter(result.run_results.items()))
    outcomes = []
    for item in run_result.results:
        config = item.expectation_config
        details = item.result or {}
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=config.kwargs.get("column") or config.kwargs.get("column_A"),
                severity=(config.meta or {}).get("severity", "blocking"),
                success=bool(item.success),
                unexpected_count=int(details.get("unexpected_count") or (0 if item.success else 1)),
                sample=[] if item.success else _sample(details),
            )
        )
    rows = len(frame) if table_rows is None else table_rows
    if counted:
        outcomes += [_row_count_outcome(rule, rows) for rule in rules if is_row_count_rule(rule)]
    *folders, batch = identifier.to_tuple()
    page = _site(quality_dir) / "validations"
    return Validation(outcomes, rows, page.joinpath(*folders, f"{batch}.html"))


def _row_count_outcome(rule: tuple[Any, str], rows: int) -> ExpectationOutcome:
    """The row-count rule judged on a table's count, as GX would report it."""
    severity = rule[1]
    success = row_count_within([rule], rows)
    sample = [] if success else [f"observed {rows}"]
    return ExpectationOutcome(ROW_COUNT_RULE, None, severity, success, 0 if success else 1, sample)


def _forget_batches(context: Any) -> None:
    """GX's pandas engine keeps each batch it validated, the DataFrame with it, for as long as
    its datasource lives, and the cached context keeps that for the whole run: every suite's
    rows stayed in memory until the command exited (one 3M-row frame after another: 110 MB
    more each). GX has no call that drops them; its batch manager's caches are emptied here."""
    engine = context.data_sources.get(DATASOURCE).execution_engine
    if engine is not None:
        engine.batch_manager.reset_batch_cache()
        engine.batch_manager.batch_data_cache.clear()


def _site(quality_dir: Path) -> Path:
    return quality_dir / "gx" / "uncommitted" / "data_docs" / "local_site"


def build_data_docs(quality_dir: Path, keep_runs: int = 30) -> Path | None:
    """Drop all but the newest `keep_runs` stored results of each suite with their pages, then
    render what has no page yet: each new result, its suite's page, and the index. The site is
    built whole only when it has no index (rendering every kept result on each run grew with the
    history: 15.8 s a run at scale 10 once a month of daily results was kept, against 3.7 s this
    way; benchmarks/data_docs.py). Returns the site's index page, or None when nothing was
    validated yet."""
    results = quality_dir / "gx" / "uncommitted" / "validations"
    if not results.exists():
        return None
    site = _site(quality_dir)
    index = site / "index.html"
    dropped = _drop_old_results(results, keep_runs)
    for result in dropped:
        _remove_with_empty_folders(_page(site, results, result), site)
    unrendered = [result for result in results.rglob("*.json") if not _page(site, results, result).exists()]
    if index.exists() and not unrendered and not dropped:
        return index  # every check reused its result: nothing new to show
    context = _context(quality_dir)
    # Given no resources, GX builds every page: a site without an index, or only an index to
    # redo (fewer results kept, nothing new), is built whole.
    if not index.exists() or not unrendered:
        shutil.rmtree(site, ignore_errors=True)
        context.build_data_docs()
    else:
        from great_expectations.data_context.types.resource_identifiers import (
            ValidationResultIdentifier,
        )

        keys = [
            ValidationResultIdentifier.from_tuple(result.relative_to(results).with_suffix("").parts)
            for result in unrendered
        ]
        suites = {key.expectation_suite_identifier for key in keys}
        # A set, though GX's signature says list: it tests each stored key's membership, which
        # in a list of a day's results cost seconds once a month of results was kept.
        context.build_data_docs(resource_identifiers={*keys, *suites})
    return index if index.exists() else None


def _drop_old_results(results: Path, keep_runs: int) -> list[Path]:
    """Deletes all but the newest `keep_runs` results of each suite; returns the deleted files."""
    dropped = []
    for suite in (folder for folder in results.glob("*/*") if folder.is_dir()):
        # <schema>/<table>/<run name>/<run time>/<batch>.json: run times sort as text.
        stored = sorted(suite.glob("*/*/*.json"), key=lambda path: path.parent.name)
        for old in stored[: max(len(stored) - keep_runs, 0)]:
            _remove_with_empty_folders(old, suite)
            dropped.append(old)
    return dropped


def _page(site: Path, results: Path, result: Path) -> Path:
    """A stored result's page in the site: the same folders under validations/."""
    return site / "validations" / result.relative_to(results).with_suffix(".html")


def _remove_with_empty_folders(path: Path, root: Path) -> None:
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
