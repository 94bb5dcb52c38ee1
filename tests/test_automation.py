"""Schedules, the export-files sensor, freshness SLAs and webhook alerts, evaluated with Dagster's
own test utilities against a local HTTP server that plays the webhook."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.test_utils import freeze_time

from orchestration.defs.automation import alerts
from orchestration.defs.automation.freshness import FRESHNESS_SLAS, freshness_checks
from orchestration.defs.automation.schedules import daily_full_run, hourly_crm_refresh
from orchestration.defs.automation.sensors import new_export_files


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict]]:
    received: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv(alerts.WEBHOOK_ENV, f"http://127.0.0.1:{server.server_port}/hooks/salesops")
    yield received
    server.shutdown()


def test_schedules_request_their_jobs_at_their_times() -> None:
    assert daily_full_run.cron_schedule == "0 6 * * *" and daily_full_run.execution_timezone == "UTC"
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 11, 23, 6, tzinfo=UTC))
    (request,) = daily_full_run.evaluate_tick(context).run_requests
    assert daily_full_run.job_name == "full_run" and request.run_key is None
    assert hourly_crm_refresh.cron_schedule == "15 * * * *" and hourly_crm_refresh.job_name == "crm_refresh"


def test_the_exports_sensor_runs_once_per_new_or_changed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SALESOPS_EXPORTS_DIR", str(tmp_path))
    (tmp_path / "crm" / "Opportunity").mkdir(parents=True)
    assert isinstance(new_export_files(dg.build_sensor_context()), dg.SkipReason)

    (tmp_path / "crm" / "Opportunity" / "part-1.csv").write_text("Id\n1\n")
    first = new_export_files(dg.build_sensor_context())
    assert len(first.run_requests) == 1
    again = new_export_files(dg.build_sensor_context(cursor=first.cursor))
    assert isinstance(again, dg.SkipReason)

    later = tmp_path / "finance" / "invoices" / "part-2.csv"
    later.parent.mkdir(parents=True)
    later.write_text("invoice_id\nI1\n")
    os.utime(later, (datetime.now().timestamp() + 5, datetime.now().timestamp() + 5))
    second = new_export_files(dg.build_sensor_context(cursor=first.cursor))
    assert len(second.run_requests) == 1 and second.run_requests[0].run_key != first.run_requests[0].run_key


@dg.asset(group_name="pipeline")
def fct_example() -> None:
    return None


@dg.asset(group_name="compensation")
def fct_example_statements() -> None:
    return None


def _evaluate_freshness(instance: dg.DagsterInstance, checks: list) -> dict[str, bool]:
    result = dg.materialize(
        [fct_example, fct_example_statements, *checks],
        instance=instance,
        selection=dg.AssetSelection.checks(*checks),
    )
    return {e.asset_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}


def test_freshness_follows_each_groups_sla_from_materialization_times() -> None:
    assert FRESHNESS_SLAS["pipeline"] == timedelta(hours=26)
    assert FRESHNESS_SLAS["compensation"] == timedelta(days=35)
    checks = freshness_checks(dg.Definitions(assets=[fct_example, fct_example_statements]))
    built = datetime(2026, 11, 1, 6, tzinfo=UTC)
    with dg.instance_for_test() as instance:
        with freeze_time(built):
            dg.materialize([fct_example, fct_example_statements], instance=instance)
        with freeze_time(built + timedelta(hours=25)):
            assert _evaluate_freshness(instance, checks) == {
                "fct_example": True,
                "fct_example_statements": True,
            }
        with freeze_time(built + timedelta(hours=27)):
            assert _evaluate_freshness(instance, checks) == {
                "fct_example": False,
                "fct_example_statements": True,
            }
        with freeze_time(built + timedelta(days=36)):
            assert _evaluate_freshness(instance, checks)["fct_example_statements"] is False


@dg.asset
def raw_batch() -> None:
    return None


@dg.asset_check(asset=raw_batch, blocking=True)
def raw_batch_expectations() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        description="expect_column_values_to_be_unique(id): 2 row(s)",
    )


@dg.asset(deps=[raw_batch])
def published() -> None:
    return None


def test_the_webhook_gets_failed_blocking_checks_and_stale_marts(webhook: list[dict]) -> None:
    checks = freshness_checks(dg.Definitions(assets=[fct_example, fct_example_statements]))
    definitions = dg.Definitions(
        assets=[raw_batch, published, fct_example, fct_example_statements],
        asset_checks=[raw_batch_expectations, *checks],
    )
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, definitions=definitions)
        assert isinstance(alerts.alert_on_failed_checks(context), dg.SkipReason)
        result = dg.materialize(
            [raw_batch, raw_batch_expectations, published], instance=instance, raise_on_error=False
        )
        assert not result.success
        context = dg.build_sensor_context(instance=instance, cursor=context.cursor, definitions=definitions)
        alerts.alert_on_failed_checks(context)
        assert [m["text"] for m in webhook] == [
            f":no_entry: Blocking check raw_batch / raw_batch_expectations failed in run {result.run_id}: "
            "expect_column_values_to_be_unique(id): 2 row(s). Nothing downstream was published."
        ]
        with freeze_time(datetime.now(UTC) - timedelta(days=2)):
            dg.materialize([fct_example, fct_example_statements], instance=instance)
        _evaluate_freshness(instance, checks)
        alerts.alert_on_failed_checks(
            dg.build_sensor_context(instance=instance, cursor=context.cursor, definitions=definitions)
        )
        assert len(webhook) == 2
        assert webhook[-1] == {"text": ":hourglass: fct_example is stale (past its freshness SLA)."}


@dg.asset_check(asset=raw_batch, name="source_freshness")
def raw_batch_source_freshness() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False,
        severity=dg.AssetCheckSeverity.WARN,
        description="error: newest change 80.0 h old; warn after 26 hour(s), error after 72 hour(s)",
    )


def _alerts_after_materializing(
    asset: dg.AssetsDefinition, check: dg.AssetChecksDefinition
) -> dg.ExecuteInProcessResult:
    """The alert sensor starts watching, `asset` and its `check` run, the sensor ticks again."""
    definitions = dg.Definitions(assets=[asset], asset_checks=[check])
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, definitions=definitions)
        alerts.alert_on_failed_checks(context)  # starts watching from now
        result = dg.materialize([asset, check], instance=instance, raise_on_error=False)
        alerts.alert_on_failed_checks(
            dg.build_sensor_context(instance=instance, cursor=context.cursor, definitions=definitions)
        )
    return result


def test_the_webhook_gets_a_stale_source_as_stale_not_as_blocking(webhook: list[dict]) -> None:
    assert _alerts_after_materializing(raw_batch, raw_batch_source_freshness).success
    assert [m["text"] for m in webhook] == [
        ":hourglass: Source raw_batch is stale: error: newest change 80.0 h old; warn after 26 hour(s), "
        "error after 72 hour(s)."
    ]


@dg.op
def fail_loudly() -> None:
    raise RuntimeError("the ERP database refused the connection")


@dg.job
def failing_job() -> None:
    fail_loudly()


def test_the_webhook_gets_a_failed_run(webhook: list[dict]) -> None:
    with dg.instance_for_test() as instance:
        result = failing_job.execute_in_process(instance=instance, raise_on_error=False)
        failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
        context = dg.build_run_status_sensor_context(
            sensor_name="alert_on_run_failure",
            dagster_event=failure,
            dagster_instance=instance,
            dagster_run=result.dagster_run,
        ).for_run_failure()
        alerts.alert_on_run_failure(context)
    (message,) = webhook
    assert message["text"].startswith(f":red_circle: Dagster run {result.run_id} of job `failing_job` failed")
    assert "fail_loudly" in message["text"]


@dg.asset(key=alerts.BUSINESS_EXCEPTIONS)
def exceptions_mart() -> None:
    return None


@dg.asset_check(asset=exceptions_mart)
def bookings_reconcile() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False,
        severity=dg.AssetCheckSeverity.WARN,
        description="Got 3 results, configured to warn if != 0",
    )


def test_business_exceptions_are_alerted_as_warnings_and_publishing_goes_on(webhook: list[dict]) -> None:
    result = _alerts_after_materializing(exceptions_mart, bookings_reconcile)
    assert result.success  # a warning stops nothing
    assert [m["text"] for m in webhook] == [
        f":warning: Business exceptions in run {result.run_id} (compensation/fct_bookings_invoice_exceptions"
        " / bookings_reconcile): Got 3 results, configured to warn if != 0. Published anyway; finance works"
        " them, and closing a month they touch needs --accept-exceptions."
    ]


@dg.asset(key=alerts.DATA_HEALTH)
def data_health_mart() -> None:
    return None


@dg.asset_check(asset=data_health_mart)
def team_data_health_did_not_drop() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=False,
        severity=dg.AssetCheckSeverity.WARN,
        description="Got 5 results, configured to warn if != 0",
    )


def test_a_drop_in_crm_data_health_is_alerted_as_a_warning(webhook: list[dict]) -> None:
    result = _alerts_after_materializing(data_health_mart, team_data_health_did_not_drop)
    assert result.success
    (message,) = webhook
    assert message["text"].startswith(
        f":broom: CRM data health dropped in run {result.run_id} (crm_health/fct_rep_data_health"
        " / team_data_health_did_not_drop): Got 5 results"
    )
