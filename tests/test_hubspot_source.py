"""The HubSpot connector against a local server that speaks CRM v3 (tests/fake_apis/hubspot.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import dlt
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from ingestion.http import SourceAuthError
from ingestion.hubspot import hubspot
from tests.fake_apis.hubspot import TOKEN, FakeHubSpot
from tests.fake_apis.salesforce import org_from_exports
from tests.fake_apis.server import Reply
from tests.raw_tables import cause_of_type, duckdb_pipeline, row_counts, table_rows, warehouse_of

SEARCH_LIMIT = 300  # the real API's is 10,000; small here so the demo's deals overflow it


@pytest.fixture
def portal(demo_exports: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHubSpot]:
    monkeypatch.setenv("RUNTIME__REQUEST_BACKOFF_FACTOR", "0.001")
    monkeypatch.setenv("RUNTIME__REQUEST_MAX_RETRY_DELAY", "0.05")
    server = FakeHubSpot(org_from_exports(demo_exports / "crm"), search_limit=SEARCH_LIMIT)
    yield server
    server.close()


@pytest.fixture
def pipeline(tmp_path: Path) -> dlt.Pipeline:
    return duckdb_pipeline(tmp_path, "hubspot_test", "raw_hubspot")


def _load(pipeline: dlt.Pipeline, portal: FakeHubSpot, token: str = TOKEN) -> None:
    pipeline.run(hubspot(access_token=token, base_url=portal.url, search_limit=SEARCH_LIMIT))


def test_full_load_splits_search_windows_and_keeps_archived_records(
    portal: FakeHubSpot, pipeline: dlt.Pipeline
) -> None:
    _load(pipeline, portal)
    counts = row_counts(warehouse_of(pipeline), "raw_hubspot")
    deals = portal.objects["deals"]
    assert len(deals) > SEARCH_LIMIT
    assert counts["deals"] == len(deals)
    assert counts["companies"] == len(portal.objects["companies"])
    assert counts["contacts"] == len(portal.objects["contacts"])
    # The demo has a few hand-typed, day-first task dates: kept aside, not lost.
    assert sum(counts.get(f"{kind}__rejected", 0) for kind in ("calls", "emails", "tasks")) > 0
    for kind in ("calls", "emails", "tasks"):
        assert counts[kind] + counts.get(f"{kind}__rejected", 0) == len(portal.objects[kind])
    assert counts["owners"] == len(portal.owners)
    assert counts["deal_pipeline_stages"] == 7
    assert counts["deal_company_associations"] == sum(
        1 for deal_id, deal in deals.items() if not deal["archived"] for _ in portal.deal_companies[deal_id]
    )
    assert counts["deal_property_history"] == sum(
        len(changes)
        for deal_id, deal in deals.items()
        if not deal["archived"]
        for changes in portal.history[deal_id].values()
    )
    # The deals window held more than the search ceiling: it was split, and no search went past it.
    deal_searches = [r.json() for r in portal.requests_to("/objects/deals/search")]
    windows = {tuple(f["value"] for f in body["filterGroups"][0]["filters"]) for body in deal_searches}
    assert len(windows) > 2
    assert all(r.status == 200 for r in portal.requests)
    rows = table_rows(warehouse_of(pipeline), "raw_hubspot", "deals")
    assert {i for i, row in rows.items() if row["archived"]} == {i for i, d in deals.items() if d["archived"]}


def test_rerun_changes_exactly_the_changed_deals_and_carries_archiving(
    portal: FakeHubSpot, pipeline: dlt.Pipeline
) -> None:
    _load(pipeline, portal)
    before = table_rows(warehouse_of(pipeline), "raw_hubspot", "deals")
    history_before = row_counts(warehouse_of(pipeline), "raw_hubspot")["deal_property_history"]
    _load(pipeline, portal)
    assert table_rows(warehouse_of(pipeline), "raw_hubspot", "deals") == before
    assert row_counts(warehouse_of(pipeline), "raw_hubspot")["deal_property_history"] == history_before

    live = sorted(i for i, d in portal.objects["deals"].items() if not d["archived"])
    changed, archived = live[:10], live[-2:]
    for deal_id in changed:
        portal.update("deals", deal_id, dealstage="negotiationreview")
    for deal_id in archived:
        portal.archive("deals", deal_id)
    portal.requests.clear()
    _load(pipeline, portal)
    after = table_rows(warehouse_of(pipeline), "raw_hubspot", "deals")
    assert {i for i in after if after[i] != before[i]} == set(changed) | set(archived)
    assert all(after[i]["dealstage"] == "negotiationreview" for i in changed)
    assert all(after[i]["archived"] is True for i in archived)
    # Only the recent window was searched, and the stage changes joined the history.
    first_window = portal.requests_to("/objects/deals/search")[0].json()["filterGroups"][0]["filters"][0]
    assert int(first_window["value"]) > 1_700_000_000_000
    assert row_counts(warehouse_of(pipeline), "raw_hubspot")["deal_property_history"] == history_before + 10


def test_retries_then_succeeds_and_a_bad_token_fails_clearly_leaving_state(
    portal: FakeHubSpot, pipeline: dlt.Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    portal.fail_next(Reply(429, {"category": "RATE_LIMITS"}, {"Retry-After": "1"}), Reply(502))
    _load(pipeline, portal)
    assert [r.status for r in portal.requests[:3]] == [429, 502, 200]
    state_before = pipeline.state["sources"]["hubspot"]["resources"]["deals"]["window_end_ms"]

    with pytest.raises(PipelineStepFailed) as failure:
        _load(pipeline, portal, token="pat-na1-revoked")
    error = cause_of_type(failure.value, SourceAuthError)
    assert isinstance(error, SourceAuthError)
    assert "401" in str(error) and "SOURCES__HUBSPOT__ACCESS_TOKEN" in str(error)
    assert "pat-na1-revoked" not in str(failure.value)
    # The requests were logged (urllib3 at DEBUG); the tokens never were.
    assert "401" in caplog.text
    assert TOKEN not in caplog.text and "pat-na1-revoked" not in caplog.text
    assert pipeline.state["sources"]["hubspot"]["resources"]["deals"]["window_end_ms"] == state_before
