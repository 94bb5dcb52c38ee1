"""The Salesforce connector against a local server that speaks the REST API (tests/fake_apis)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import dlt
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from ingestion.http import SourceAuthError
from ingestion.salesforce import salesforce
from tests.fake_apis.salesforce import FakeSalesforce, org_from_exports
from tests.fake_apis.server import Reply
from tests.raw_tables import cause_of_type, duckdb_pipeline, row_counts, table_rows, warehouse_of


@pytest.fixture
def org(demo_exports: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSalesforce]:
    # dlt's retry settings, read at run time: tests wait milliseconds, not seconds.
    monkeypatch.setenv("RUNTIME__REQUEST_BACKOFF_FACTOR", "0.001")
    monkeypatch.setenv("RUNTIME__REQUEST_MAX_RETRY_DELAY", "2")
    server = FakeSalesforce(org_from_exports(demo_exports / "crm"), page_size=200)
    yield server
    server.close()


@pytest.fixture
def pipeline(tmp_path: Path) -> dlt.Pipeline:
    return duckdb_pipeline(tmp_path, "sf_test", "raw_salesforce")


def _load(pipeline: dlt.Pipeline, org: FakeSalesforce, **credentials: str) -> None:
    credentials = credentials or {"access_token": "static-token"}
    pipeline.run(salesforce(instance_url=org.url, lookback_seconds=300, **credentials))


def _cursor_state(pipeline: dlt.Pipeline) -> dict[str, str]:
    resources = pipeline.state["sources"]["salesforce"]["resources"]
    return {name: state.get("last_cursor") for name, state in resources.items()}


def test_full_load_pages_through_every_object_and_keeps_deleted_rows(
    org: FakeSalesforce, pipeline: dlt.Pipeline
) -> None:
    _load(pipeline, org)
    counts = row_counts(warehouse_of(pipeline), "raw_salesforce")
    assert counts["opportunity"] == len(org.org["Opportunity"])
    assert counts["account"] == len(org.org["Account"])
    assert counts["opportunity_history"] == len(org.org["OpportunityHistory"])
    # More records than one page: the connector followed nextRecordsUrl.
    assert len(org.org["Opportunity"]) > org.page_size
    assert org.requests_to("/query/01g"), "no nextRecordsUrl page was requested"
    deleted_in_org = {i for i, r in org.org["Opportunity"].items() if r["IsDeleted"]}
    rows = table_rows(warehouse_of(pipeline), "raw_salesforce", "opportunity")
    assert deleted_in_org, "the demo org should hold deleted opportunities"
    assert {i for i, row in rows.items() if row["is_deleted"]} == deleted_in_org


def test_rerun_is_incremental_and_changes_exactly_the_changed_records(
    org: FakeSalesforce, pipeline: dlt.Pipeline
) -> None:
    _load(pipeline, org)
    before = table_rows(warehouse_of(pipeline), "raw_salesforce", "opportunity")
    state_before = _cursor_state(pipeline)

    org.requests.clear()
    _load(pipeline, org)
    assert table_rows(warehouse_of(pipeline), "raw_salesforce", "opportunity") == before
    # The second run asked only for records since the last cursor, less the 5-minute lookback.
    query = org.requests_to("/queryAll")[4].query["q"][0]
    newest = state_before["opportunity"]
    assert "FROM Opportunity WHERE SystemModstamp >= " in query
    assert query.split(">= ")[1].split(" ")[0] < newest.replace("+0000", "Z")
    assert len(org.requests_to("/query/01g")) < 3, "an unchanged source should not be re-read in full"

    changed = sorted(before)[:10]
    for record_id in changed:
        org.update("Opportunity", record_id, NextStep="Call the CFO")
    to_delete = sorted(before)[-3:]
    for record_id in to_delete:
        org.update("Opportunity", record_id, IsDeleted=True)
    _load(pipeline, org)
    after = table_rows(warehouse_of(pipeline), "raw_salesforce", "opportunity")
    assert len(after) == len(before)
    assert {i for i in after if after[i] != before[i]} == set(changed) | set(to_delete)
    assert all(after[i]["next_step"] == "Call the CFO" for i in changed)
    assert all(after[i]["is_deleted"] is True for i in to_delete)


def test_retries_429_and_500_honouring_retry_after(org: FakeSalesforce, pipeline: dlt.Pipeline) -> None:
    org.fail_next(
        Reply(429, [{"errorCode": "REQUEST_LIMIT_EXCEEDED"}], {"Retry-After": "1"}),
        Reply(500, [{"errorCode": "UNKNOWN_EXCEPTION"}]),
        Reply(503),
    )
    _load(pipeline, org)
    statuses = [r.status for r in org.requests_to("/queryAll")[:4]]
    assert statuses == [429, 500, 503, 200]
    first, second = org.requests_to("/queryAll")[:2]
    assert second.at - first.at >= 0.9, "the retry after a 429 must wait the Retry-After second"
    assert row_counts(warehouse_of(pipeline), "raw_salesforce")["user_role"] == len(org.org["UserRole"])


def test_persistent_401_fails_clearly_and_leaves_state_and_tables_unchanged(
    org: FakeSalesforce, pipeline: dlt.Pipeline
) -> None:
    _load(pipeline, org)
    state_before = _cursor_state(pipeline)
    rows_before = table_rows(warehouse_of(pipeline), "raw_salesforce", "opportunity")
    org.update("Opportunity", sorted(rows_before)[0], NextStep="changed while the token is dead")
    org.expire_tokens()
    with pytest.raises(PipelineStepFailed) as failure:
        _load(pipeline, org)
    error = cause_of_type(failure.value, SourceAuthError)
    assert isinstance(error, SourceAuthError)
    assert "401" in str(error) and "sources.salesforce.access_token" in str(error)
    assert "static-token" not in str(failure.value)
    assert _cursor_state(pipeline) == state_before
    assert table_rows(warehouse_of(pipeline), "raw_salesforce", "opportunity") == rows_before


def test_a_server_error_names_status_and_url_but_never_the_body_or_token(
    org: FakeSalesforce, pipeline: dlt.Pipeline
) -> None:
    """A server that echoes the request (headers included) into its error body: the error keeps
    the status, the URL and the API's error code, and blanks what follows "Bearer"."""
    echo = Reply(
        500, [{"errorCode": "UNKNOWN_EXCEPTION", "message": "echo Authorization: Bearer static-token"}]
    )
    org.fail_next(*[echo] * 10)
    with pytest.raises(PipelineStepFailed) as failure:
        _load(pipeline, org)
    error = cause_of_type(failure.value, RuntimeError)
    assert "500" in str(error) and "/services/data/" in str(error) and "UNKNOWN_EXCEPTION" in str(error)
    assert "static-token" not in str(failure.value)


def test_client_credentials_token_is_fetched_and_refreshed_on_401(
    org: FakeSalesforce, pipeline: dlt.Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client_id, client_secret = org.client
    # Expire the first token after a few queries: the connector fetches a second one and goes on.
    original = org.dispatch
    calls = {"n": 0}

    def expiring(request):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 6:
            org.expire_tokens()
        return original(request)

    org.dispatch = expiring  # type: ignore[method-assign]
    _load(
        pipeline,
        org,
        token_url=f"{org.url}/services/oauth2/token",
        client_id=client_id,
        client_secret=client_secret,
    )
    assert len(org.requests_to("/oauth2/token")) == 2
    assert 401 in [r.status for r in org.requests]
    # The refresh was logged; no secret or token was, at any level.
    assert "401" in caplog.text
    assert "telemetry" not in caplog.text  # .dlt/config.toml turns dlt's usage reports off
    assert not [secret for secret in (client_secret, *org.issued_tokens) if secret in caplog.text]
    assert row_counts(warehouse_of(pipeline), "raw_salesforce")["event"] == len(org.org["Event"])


def test_a_record_that_breaks_the_contract_goes_to_rejected_with_its_reason(
    org: FakeSalesforce, pipeline: dlt.Pipeline
) -> None:
    # The oldest record, on the first page: the typed pages after it must still load normally.
    bad_id = min(org.org["Opportunity"].values(), key=lambda r: (r["SystemModstamp"], r["Id"]))["Id"]
    org.org["Opportunity"][bad_id]["Amount"] = "twelve thousand"
    _load(pipeline, org)
    rows = table_rows(warehouse_of(pipeline), "raw_salesforce", "opportunity")
    assert bad_id not in rows and len(rows) == len(org.org["Opportunity"]) - 1
    import duckdb

    with duckdb.connect(str(warehouse_of(pipeline)), read_only=True) as con:
        rejected = con.execute(
            "select id, amount, _rejected_reason, _source_file from raw_salesforce.opportunity__rejected"
        ).fetchall()
    assert len(rejected) == 1
    assert rejected[0][:2] == (bad_id, "twelve thousand")
    assert "Amount='twelve thousand'" in rejected[0][2]
    assert rejected[0][3] == "Salesforce Opportunity queryAll page 1"
