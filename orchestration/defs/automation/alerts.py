"""Alerts to a webhook (Slack-compatible JSON `{"text": ...}`) on a failed run, a failed blocking
check and a failed freshness check. The URL is SALESOPS_ALERT_WEBHOOK_URL; unset, nothing posts."""

from __future__ import annotations

import json
import os
import urllib.request

import dagster as dg

from orchestration.defs.quality.check_history import latest_evaluations
from orchestration.defs.quality.source_freshness import CHECK_NAME as SOURCE_FRESHNESS_CHECK

WEBHOOK_ENV = "SALESOPS_ALERT_WEBHOOK_URL"
FRESHNESS_CHECK_PREFIX = "freshness_check"


def post_alert(text: str) -> bool:
    """Posts `text` to the webhook; False when no webhook is configured."""
    url = os.environ.get(WEBHOOK_ENV)
    if not url:
        return False
    request = urllib.request.Request(
        url,
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
    return True


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    monitor_all_code_locations=True,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def alert_on_run_failure(context: dg.RunFailureSensorContext) -> None:
    run = context.dagster_run
    post_alert(
        f":red_circle: Dagster run {run.run_id} of job `{run.job_name}` failed: "
        f"{context.failure_event.message or 'see the run in the UI'}"
    )


# Reported, never blocking: bookings that do not tie out with invoices, and a team's CRM data
# health dropping from one week to the next.
BUSINESS_EXCEPTIONS = dg.AssetKey(["compensation", "fct_bookings_invoice_exceptions"])
DATA_HEALTH = dg.AssetKey(["crm_health", "fct_rep_data_health"])


def alert_text(evaluation: object, run_id: str) -> str | None:
    """The alert for a check evaluation, or None when it does not warrant one."""
    if getattr(evaluation, "passed", True):
        return None
    check = f"{evaluation.asset_key.to_user_string()} / {evaluation.check_name}"
    if evaluation.check_name.startswith(FRESHNESS_CHECK_PREFIX):
        return f":hourglass: {evaluation.asset_key.to_user_string()} is stale (past its freshness SLA)."
    if evaluation.check_name == SOURCE_FRESHNESS_CHECK:
        return (
            f":hourglass: Source {evaluation.asset_key.to_user_string()} is stale: {evaluation.description}."
        )
    if evaluation.severity == dg.AssetCheckSeverity.ERROR:
        return (
            f":no_entry: Blocking check {check} failed in run {run_id}: "
            f"{evaluation.description or 'see the check in the UI'}. Nothing downstream was published."
        )
    if evaluation.asset_key == DATA_HEALTH and evaluation.severity == dg.AssetCheckSeverity.WARN:
        return (
            f":broom: CRM data health dropped in run {run_id} ({check}): "
            f"{evaluation.description or 'a team broke more hygiene rules than last week'}. "
            "The check lists each team's worst deals; crm_health.fct_opportunity_hygiene says what to fix."
        )
    if evaluation.asset_key == BUSINESS_EXCEPTIONS:
        return (
            f":warning: Business exceptions in run {run_id} ({check}): "
            f"{evaluation.description or 'bookings and invoices differ'}. Published anyway; finance "
            "works them, and closing a month they touch needs --accept-exceptions."
        )
    return None


@dg.sensor(
    name="alert_on_failed_checks", default_status=dg.DefaultSensorStatus.RUNNING, minimum_interval_seconds=60
)
def alert_on_failed_checks(context: dg.SensorEvaluationContext) -> dg.SkipReason | None:
    """Posts each check whose newest execution since the last tick failed blocking or on freshness,
    and warnings of business exceptions and of dropping CRM data health.

    The cursor is the highest check-execution record id already looked at.
    """
    latest = latest_evaluations(context.instance, context.repository_def.asset_graph.asset_check_keys)
    newest = max((record.id for _, record, _ in latest), default=0)
    if context.cursor is None:
        # First tick: start from now, rather than replaying every failure in the history.
        context.update_cursor(str(newest))
        return dg.SkipReason("started watching check results")
    seen = int(context.cursor)
    posted = 0
    for _, record, evaluation in sorted(latest, key=lambda item: item[1].id):
        text = alert_text(evaluation, record.run_id) if record.id > seen else None
        if text and post_alert(text):
            posted += 1
    context.update_cursor(str(max(seen, newest)))
    return None if posted else dg.SkipReason("no failed blocking or freshness checks since the last tick")
