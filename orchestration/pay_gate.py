"""Pay only from checked data: closing a month and exporting payroll use the compensation that the
quality gate let through, never warehouse tables a failed run left behind.

Publishing happens only after every blocking check passed, so the published compensation store is
the checked state. The warehouse's compensation must equal it (same ledger and statements) before
a month closes, and the payroll file is read from the published store itself.
"""

from __future__ import annotations

from typing import Any

from orchestration import warehouse
from orchestration.defs.quality.check_history import is_blocking_failure
from orchestration.serving.reader import serving_reader
from orchestration.serving.stores import COMPENSATION, RUN_ID_COLUMN

# What identifies the state of compensation: the ledger and the statements' totals.
FINGERPRINT = (
    ("fct_payout_ledger", "count(*), coalesce(sum(amount), 0)"),
    (
        "fct_commission_statements",
        "count(*), coalesce(sum(payout_amount), 0), coalesce(sum(earned_amount), 0)",
    ),
)


class Refused(Exception):
    """A command that must not go ahead; the message says why and what to do, in one line."""


def _normal(row: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(f"{value:.2f}" if not isinstance(value, int) else str(value) for value in row)


def _published_state() -> tuple[str, list[tuple[str, ...]]]:
    """(the run whose compensation BI and finance see, its fingerprint), read in one connection;
    Refused when nothing was ever published."""
    try:
        with serving_reader(COMPENSATION) as reader:
            run_id = reader.fetch(f"select max({RUN_ID_COLUMN}) from {reader.qualify('fct_payout_ledger')}")
            state = [
                _normal(reader.fetch(f"select {sql} from {reader.qualify(t)}")[0]) for t, sql in FINGERPRINT
            ]
    except Exception as error:  # no serving file or schema yet: the drivers raise their own kinds
        raise Refused(
            "compensation has never been published (no run passed the quality gate yet): run the "
            f"pipeline (make run) until it publishes ({type(error).__name__})"
        ) from error
    return str(run_id[0][0]), state


def failed_checks_of_latest_run() -> list[str]:
    """The blocking checks that failed in the latest full run recorded by the Dagster instance."""
    import dagster as dg

    from orchestration.dagster_home import dagster_home, open_instance

    if not dagster_home().exists():
        return []
    with open_instance() as instance:
        runs = instance.get_runs(dg.RunsFilter(job_name="full_run"), limit=1)
        if not runs:
            return []
        records = instance.all_logs(runs[0].run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    evaluations = [record.get_dagster_event().event_specific_data for record in records]
    return [
        f"{evaluation.asset_key.to_user_string()}/{evaluation.check_name}"
        for evaluation in evaluations
        if is_blocking_failure(evaluation)
    ]


def assert_compensation_published() -> str:
    """The published run id, when the warehouse's compensation is what was published; else Refused,
    naming the failed checks of the latest run where the Dagster instance knows them."""
    run_id, published = _published_state()
    in_warehouse = [
        _normal(warehouse.fetch_all(f"select {sql} from compensation.{t}")[0]) for t, sql in FINGERPRINT
    ]
    if published != in_warehouse:
        failed = failed_checks_of_latest_run()
        why = f"blocking checks failed: {', '.join(failed)}" if failed else "it was not published"
        raise Refused(
            f"the warehouse's compensation differs from what was last published (run {run_id}): "
            f"the latest run's data is unchecked ({why}); fix the data and rerun until it publishes"
        )
    return run_id
