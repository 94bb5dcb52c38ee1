"""Command line for data engineers: `python -m orchestration.cli <command>`.

`run` (what `make run` calls) writes the demo company (unless SALESOPS_EXPORTS_DIR points at real
exports), prepares the dbt manifest, executes the `full_run` job on the Dagster instance in
DAGSTER_HOME (so the UI shows it), and prints what was loaded and built. `close-month`,
`reopen-month` and `payroll-export` run compensation months (orchestration/comp_periods.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import IO

from orchestration import settings
from orchestration.warehouse_location import location


def _prepare_dbt_manifest() -> None:
    from orchestration.defs.transform.project import prepare_manifest

    prepare_manifest()


def run(args: argparse.Namespace) -> int:
    """The full run. Quiet by default: one line per phase and a progress bar on the terminal,
    everything else in a log file; `--verbose` prints it all."""
    started = time.perf_counter()
    settings.check()
    log_path = settings.data_dir() / "logs" / f"run_{datetime.now():%Y%m%d_%H%M%S}.log"
    if args.verbose:
        return _run(args, started, (sys.stdout, sys.stderr), None)
    import warnings

    from orchestration.run_progress import output_to, prune_run_logs

    # This run's log is new: the older ones beyond the newest kept go.
    prune_run_logs(log_path.parent, max(settings.run_logs_keep() - 1, 0))
    # Library notices (beta parameters, superseded functions) are for this project's developers.
    warnings.filterwarnings("ignore", message=".*(beta|superseded|deprecated).*")
    with output_to(log_path) as terminal:
        code = _run(args, started, terminal, log_path)
    if code != 0:
        print(f"Full log: {log_path}", file=sys.stderr)
    return code


def _run(
    args: argparse.Namespace, started: float, terminal: tuple[IO[str], IO[str]], log_path: Path | None
) -> int:
    out, err = terminal

    def say(line: str, stream: IO[str] = out) -> None:
        print(line, file=stream, flush=True)

    as_of_date = settings.as_of_date_setting()
    if location().is_postgres:
        from orchestration import warehouse

        try:
            if warehouse.ensure_pg_database():
                say(f"Created the PostgreSQL database {warehouse.pg_params()['dbname']}.")
        except warehouse.WarehouseUnreachable as error:
            say(f"salesops run: {error}", err)
            return 2
    if "SALESOPS_EXPORTS_DIR" not in os.environ:
        from ingestion.demo_company.company import generate_unless_current

        written = generate_unless_current(settings.exports_dir(), args.seed, args.as_of, args.scale)
        # The marts report "now" as the demo's as-of date, so its numbers stay reproducible.
        as_of_date = args.as_of.isoformat()
        say(
            f"Demo company (seed {args.seed}, scale {args.scale}, as of {args.as_of}) "
            f"{'written to' if written else 'already current in'} {settings.exports_dir()} "
            f"({time.perf_counter() - started:.0f} s)"
        )
    _prepare_dbt_manifest()

    import dagster as dg

    from orchestration.dagster_home import open_instance
    from orchestration.definitions import defs
    from orchestration.defs.quality.docs import build_quality_docs
    from orchestration.defs.resources import warehouse_run_config
    from orchestration.run_history import prune_run_history
    from orchestration.run_progress import run_warnings
    from orchestration.run_recovery import execute_job
    from orchestration.summary import format_summary

    # The day the run reports for reaches every asset and check through its run config.
    run_config = {
        "resources": {"reporting_day": {"config": {"as_of_date": as_of_date}}, **warehouse_run_config()}
    }
    with open_instance() as instance:

        def notify(line: str) -> None:
            say(line, err)

        if log_path is None:
            result = execute_job(
                instance, defs.resolve_job_def("full_run"), notify=notify, run_config=run_config
            )
        else:
            from rich.console import Console

            from orchestration.run_progress import RunProgress

            progress = RunProgress(Console(file=out))
            try:
                result = execute_job(
                    instance,
                    defs.resolve_job_def("full_run"),
                    on_tick=lambda run_id: progress.poll(instance, run_id),
                    notify=notify,
                    run_config=run_config,
                )
                progress.poll(instance, result.run_id)  # the phases that ended after the last tick
            finally:
                progress.finish()
        warned = run_warnings(instance, result.run_id)
        housekeeping = ""
        try:
            pruned = prune_run_history(instance, defs.resolve_asset_graph(), settings.dagster_keep_runs())
            housekeeping = pruned.describe() if pruned.deleted else ""
        except Exception as error:  # housekeeping: the run's outcome stands, the next run tries again
            housekeeping = f"Dagster's history was not pruned ({type(error).__name__}: {error})"
    build_quality_docs()
    blocking = [
        evaluation
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    ]
    if blocking:
        say(format_blocking_failures(blocking), err)
    if not result.success or blocking:
        failed = [event.step_key for event in result.all_events if event.is_step_failure]
        if failed:
            say(f"The full_run job failed in step(s) {failed}.", err)
        say("Open the Dagster UI (make ui) for the logs and check results.", err)
        if housekeeping:
            say(housekeeping, err)
        return 1
    say(format_summary())
    if warned:
        say("Warnings (they stopped nothing; the UI and the log have the detail):")
        for line in warned:
            say(f"  {line}")
    say(f"Warehouse: {warehouse_description()}")
    say(f"Published for BI: {published_location()}")
    if housekeeping:
        say(housekeeping)
    say(f"Run {result.run_id} finished in {time.perf_counter() - started:.0f} s.")
    if log_path is not None:
        say(f"Full log: {log_path}")
    say("Open the Dagster UI on it with:  make ui   (then http://127.0.0.1:3000)")
    return 0


def format_blocking_failures(evaluations: list) -> str:
    """What the user reads when the quality gate stops a run: each failed check, its failed
    expectations with row counts and samples."""
    lines = ["Blocking quality checks failed; nothing was published (BI keeps the last good data):"]
    for evaluation in evaluations:
        lines.append(f"  {evaluation.asset_key.to_user_string()} / {evaluation.check_name}:")
        failures = evaluation.metadata.get("failures")
        detail = failures.value if failures is not None else (evaluation.description or "failed")
        lines += [f"    {line}" for line in str(detail).splitlines() if not line.startswith("|---")]
    return "\n".join(lines)


def warehouse_description() -> str:
    where = location()
    if where.is_postgres:
        return "PostgreSQL"
    if where.is_spark:
        return f"Spark (raw tables in {where.lake_dir}, dbt's tables in {where.spark_warehouse_dir})"
    return str(where.duckdb_path)


def published_location() -> str:
    from orchestration.serving.duckdb_publish import serving_file
    from orchestration.serving.stores import STORES

    if location().is_postgres:
        return "PostgreSQL schemas " + ", ".join(
            schema for store in STORES for schema in store.postgres_schemas
        )
    return " and ".join(str(serving_file(settings.serving_dir(), store)) for store in STORES)


def close(args: argparse.Namespace) -> int:
    from orchestration.comp_periods import close_month

    close_month(args.month, args.by, args.reason, args.through, args.accept_exceptions)
    return 0


def backfill(args: argparse.Namespace) -> int:
    """The monthly `compensation/closed_months` partitions from..to as one Dagster run (shown in
    the UI): months close in order, and a month already closed is never rewritten."""

    from orchestration.dagster_home import open_instance
    from orchestration.definitions import defs
    from orchestration.defs.resources import warehouse_run_config

    tags = {
        "dagster/asset_partition_range_start": args.start.isoformat(),
        "dagster/asset_partition_range_end": args.end.isoformat(),
    }
    run_config = {
        "ops": {"compensation__closed_months": {"config": {"accept_exceptions": args.accept_exceptions}}},
        "resources": warehouse_run_config(),
    }
    from orchestration.run_recovery import execute_job

    with open_instance() as instance:
        result = execute_job(
            instance, defs.resolve_job_def("close_comp_month"), tags=tags, run_config=run_config
        )
    outcome = "closed" if result.success else "FAILED (see the run in the UI)"
    print(f"Run {result.run_id}: months {args.start:%Y-%m}..{args.end:%Y-%m} {outcome}.")
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.user_failure_data:
            print(event.step_failure_data.user_failure_data.description, file=sys.stderr)
    return 0 if result.success else 1


def reopen(args: argparse.Namespace) -> int:
    from orchestration.comp_periods import reopen_month

    reopen_month(args.month, args.by, args.reason)
    return 0


def payroll(args: argparse.Namespace) -> int:
    from orchestration.comp_periods import export_payroll

    print(f"Payroll file: {export_payroll(args.month, args.out)}")
    return 0


def status(args: argparse.Namespace) -> int:
    from orchestration.status import format_status

    report = format_status()
    print(report)
    return 1 if "STALE" in report or "[ERROR]" in report else 0


def grant_access(args: argparse.Namespace) -> int:
    from orchestration import warehouse
    from orchestration.serving.postgres_publish import create_reader_roles

    roles = create_reader_roles(warehouse.pg_params())
    print(f"Roles ready: {', '.join(roles)} (grant them to BI and finance users: GRANT role TO user).")
    return 0


def backtest(args: argparse.Namespace) -> int:
    from ingestion.plans.comp_plans import load_comp_plan
    from orchestration.backtest import backtest as run_backtest
    from orchestration.backtest import format_backtest, rep_names

    in_force, candidate = run_backtest(args.plan, args.start, args.end)
    names = rep_names(location().duckdb_path)
    print(format_backtest(load_comp_plan(args.plan)["plan_id"], in_force, candidate, names))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="salesops", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="generate the demo and run the full pipeline")
    run_parser.add_argument("--seed", type=int, default=42)
    run_parser.add_argument("--scale", type=float, default=1.0)
    run_parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    run_parser.add_argument(
        "--verbose",
        action="store_true",
        help="print every event, dbt's and dlt's output (else: in a log file)",
    )
    run_parser.set_defaults(handler=run)

    from orchestration.comp_periods import month_start

    close_parser = commands.add_parser(
        "close-month",
        help="close compensation month MONTH (YYYY-MM), once it has ended and its data passed the gate",
    )
    close_parser.add_argument("month", type=month_start)
    close_parser.add_argument("--by", help="who closes (default: the OS user)")
    close_parser.add_argument("--reason", required=True, help="why (logged with who and when)")
    close_parser.add_argument(
        "--through",
        action="store_true",
        help="also close every open month before MONTH (they are listed first)",
    )
    close_parser.add_argument(
        "--accept-exceptions",
        metavar="WHY",
        help="close although bookings-vs-invoices exceptions touch the month's commission (logged)",
    )
    close_parser.set_defaults(handler=close)
    backfill_parser = commands.add_parser(
        "backfill-months",
        help="close the compensation month partitions FROM..TO in one Dagster run, in order",
    )
    backfill_parser.add_argument("--from", dest="start", type=month_start, required=True)
    backfill_parser.add_argument("--to", dest="end", type=month_start, required=True)
    backfill_parser.add_argument("--accept-exceptions", metavar="WHY", help="as for close-month (logged)")
    backfill_parser.set_defaults(handler=backfill)
    reopen_parser = commands.add_parser("reopen-month", help="reopen the latest closed month, with a reason")
    reopen_parser.add_argument("month", type=month_start)
    reopen_parser.add_argument("--by", help="who reopens (default: the OS user)")
    reopen_parser.add_argument("--reason", required=True)
    reopen_parser.set_defaults(handler=reopen)
    payroll_parser = commands.add_parser("payroll-export", help="write a closed month's payroll file")
    payroll_parser.add_argument("month", type=month_start)
    payroll_parser.add_argument("--out", type=Path, default=settings.data_dir() / "payroll")
    payroll_parser.set_defaults(handler=payroll)
    backtest_parser = commands.add_parser(
        "backtest", help="cost a candidate comp plan over past credited bookings, beside the plan in force"
    )
    backtest_parser.add_argument(
        "plan", type=Path, help="candidate plan YAML (same plan_id as the one it would replace)"
    )
    backtest_parser.add_argument("--from", dest="start", type=month_start, required=True)
    backtest_parser.add_argument("--to", dest="end", type=month_start, required=True)
    backtest_parser.set_defaults(handler=backtest)
    commands.add_parser(
        "status", help="freshness of each mart against its SLA and the checks failing on their latest run"
    ).set_defaults(handler=status)
    commands.add_parser(
        "grant-access", help="PostgreSQL: create the read-only BI and finance roles on the serving schemas"
    ).set_defaults(handler=grant_access)
    args = parser.parse_args(argv)
    from orchestration.pay_gate import Refused

    try:
        return args.handler(args)
    except Refused as refusal:
        print(f"salesops {args.command}: refused: {refusal}.", file=sys.stderr)
        return 2
    except settings.SettingError as error:
        print(f"salesops {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
