"""The Zoho CRM connector against a local server that speaks API v8 (tests/fake_apis/zoho.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dlt
import duckdb
import pytest
from dlt.extract.source import DltSource
from dlt.pipeline.exceptions import PipelineStepFailed

from ingestion.http import SourceAuthError
from ingestion.zoho import zoho
from tests.fake_apis.salesforce import org_from_exports
from tests.fake_apis.server import Reply
from tests.fake_apis.zoho import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeZoho
from tests.raw_tables import cause_of_type, duckdb_pipeline, row_counts, table_rows, warehouse_of

RECORDS_LIMIT = 60  # the real API's page numbers reach 2,000 records; small here so deals overflow it
PAGE_SIZE = 20


@pytest.fixture
def server(demo_exports: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeZoho]:
    monkeypatch.setenv("RUNTIME__REQUEST_BACKOFF_FACTOR", "0.001")
    monkeypatch.setenv("RUNTIME__REQUEST_MAX_RETRY_DELAY", "0.05")
    fake = FakeZoho(org_from_exports(demo_exports / "crm"), records_limit=RECORDS_LIMIT, token_lifetime=400)
    yield fake
    fake.close()


@pytest.fixture
def pipeline(tmp_path: Path) -> dlt.Pipeline:
    return duckdb_pipeline(tmp_path, "zoho_test", "raw_zoho")


def _source(server: FakeZoho, refresh_token: str = REFRESH_TOKEN, live_days: int = 90) -> DltSource:
    return zoho(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=refresh_token,
        accounts_url=server.url,
        page_size=PAGE_SIZE,
        campaign_members_live_days=live_days,
    )


def _load(
    pipeline: dlt.Pipeline, server: FakeZoho, refresh_token: str = REFRESH_TOKEN, live_days: int = 90
) -> None:
    pipeline.run(_source(server, refresh_token, live_days))


def test_full_load_pages_past_the_page_number_limit_and_refreshes_expired_tokens(
    server: FakeZoho, pipeline: dlt.Pipeline, dlt_log: pytest.LogCaptureFixture
) -> None:
    _load(pipeline, server)
    # The related lists' batches match their declared columns: dlt warned for every batch.
    assert "hints were different" not in dlt_log.text
    counts = row_counts(warehouse_of(pipeline), "raw_zoho")
    deals = server.modules["Deals"]
    assert len(deals) > RECORDS_LIMIT
    assert counts["deals"] == len(deals)
    assert counts["accounts"] == len(server.modules["Accounts"])
    assert counts["contacts"] == len(server.modules["Contacts"])
    assert counts["users"] == len(server.users)
    assert counts["deal_stages"] == 7
    assert counts["deal_stage_history"] == sum(len(server.stage_history[deal_id]) for deal_id in deals)
    assert counts["deal_owner_changes"] == sum(len(server.timeline[deal_id]) for deal_id in deals)
    assert counts["deleted_records"] == sum(len(rows) for rows in server.deleted.values()) > 0
    # Related lists: a deal's contact roles and a campaign's members (leads and contacts); a parent
    # with none keeps one row saying so.
    assert counts["deal_contact_roles"] == sum(max(len(server.contact_roles[d]), 1) for d in deals)
    assert sum(map(len, server.contact_roles.values())) > len(deals)  # some deals have several
    campaigns = server.modules["Campaigns"]
    assert counts["campaign_members"] == sum(max(len(_members(server, c)), 1) for c in campaigns)
    assert {m for c in campaigns for m, _ in _members(server, c)} == {"Leads", "Contacts"}
    # Deals were read by page_token past where page numbers stop; no request was refused for it.
    deal_reads = server.requests_to("/crm/v8/Deals")
    assert sum("page_token" in r.query for r in deal_reads if r.path == "/crm/v8/Deals") >= 3
    assert not [r for r in server.requests if r.status == 400]
    # Tokens expired during the load (every 400 requests): each 401 fetched a new one, once.
    assert len(server.issued_tokens) >= 3
    assert all(r.status in (200, 204, 304) for r in server.requests if r.status != 401)
    rows = table_rows(warehouse_of(pipeline), "raw_zoho", "deals")
    some_deal = next(iter(deals.values()))
    assert rows[some_deal["id"]]["owner_id"] == some_deal["Owner"]["id"]


def test_contact_roles_new_to_a_loaded_organisation_are_read_for_every_deal(
    server: FakeZoho, pipeline: dlt.Pipeline
) -> None:
    """A warehouse loaded before contact roles were: its first run with them reads every deal's
    roles, though no deal changed since (the deals themselves answer 304)."""
    # The deals alone stand for the rest of the organisation here (a whole load takes seconds).
    pipeline.run(_source(server).with_resources("deals"))
    assert "deal_contact_roles" not in row_counts(warehouse_of(pipeline), "raw_zoho")
    server.requests.clear()
    pipeline.run(_source(server).with_resources("deals", "deal_contact_roles"))
    deals = server.modules["Deals"]
    deal_reads = [r for r in server.requests if r.path == "/crm/v8/Deals"]
    assert any(r.status == 304 for r in deal_reads)  # the deals resource: nothing changed
    counts = row_counts(warehouse_of(pipeline), "raw_zoho")
    assert counts["deal_contact_roles"] == sum(max(len(server.contact_roles[d]), 1) for d in deals)


def _members(server: FakeZoho, campaign_id: str) -> list[tuple[str, str]]:
    """(related list, member id) of a campaign's members on the server."""
    return [
        (module, member["id"])
        for module in ("Leads", "Contacts")
        for member in server.campaign_members[(campaign_id, module)]
    ]


def _loaded_members(pipeline: dlt.Pipeline) -> set[tuple[str, str | None]]:
    with duckdb.connect(str(warehouse_of(pipeline)), read_only=True) as con:
        return set(con.execute("select campaign_id, member_id from raw_zoho.campaign_members").fetchall())


def test_rerun_reads_only_what_changed_since_and_records_deletions(
    server: FakeZoho, pipeline: dlt.Pipeline
) -> None:
    # Campaigns that ended less than `live_days` ago count as running: half of the demo's do here.
    campaigns = server.modules["Campaigns"]
    settled_before = sorted(record["End_Date"] for record in campaigns.values())[len(campaigns) // 2]
    live_days = (date.today() - date.fromisoformat(settled_before)).days
    _load(pipeline, server, live_days=live_days)
    before = table_rows(warehouse_of(pipeline), "raw_zoho", "deals")
    history_before = row_counts(warehouse_of(pipeline), "raw_zoho")["deal_stage_history"]
    server.requests.clear()
    _load(pipeline, server, live_days=live_days)
    # Nothing changed: every module answered 304 to If-Modified-Since.
    module_reads = [
        r for r in server.requests if r.path in ("/crm/v8/Deals", "/crm/v8/Accounts", "/crm/v8/Contacts")
    ]
    assert module_reads and all(r.status == 304 and "If-Modified-Since" in r.headers for r in module_reads)
    assert table_rows(warehouse_of(pipeline), "raw_zoho", "deals") == before
    # Campaign members were read again only for campaigns that ended less than `live_days` ago
    # (Zoho does not mark a campaign changed when its members change); older ones' stay as loaded.
    running = {
        c for c, record in campaigns.items() if not record["End_Date"] or record["End_Date"] >= settled_before
    }
    member_reads = {
        r.path.split("/")[4]
        for r in server.requests_to("/crm/v8/Campaigns/")
        if r.path.endswith(("/Leads", "/Contacts"))
    }
    assert member_reads == running and 0 < len(running) < len(campaigns)

    live = sorted(server.modules["Deals"])
    changed, deleted = live[:5], live[-2:]
    # A running campaign loses a member; a changed deal loses its contact roles.
    campaign_id = next(c for c in sorted(running) if _members(server, c))
    removed_module, removed_member = _members(server, campaign_id)[0]
    server.campaign_members[(campaign_id, removed_module)].pop(0)
    server.contact_roles[changed[0]] = []
    for deal_id in changed:
        server.update("Deals", deal_id, Stage="Negotiation/Review", Amount=12345.67)
    for deal_id in deleted:
        server.delete("Deals", deal_id)
    server.requests.clear()
    _load(pipeline, server, live_days=live_days)
    after = table_rows(warehouse_of(pipeline), "raw_zoho", "deals")
    assert {i for i in after if after[i] != before[i]} == set(changed)
    assert all(after[i]["stage"] == "Negotiation/Review" for i in changed)
    # Only the changed deals' stage history was read again.
    history_reads = {r.path.split("/")[4] for r in server.requests_to("/Stage_History")}
    assert history_reads == set(changed)
    assert row_counts(warehouse_of(pipeline), "raw_zoho")["deal_stage_history"] == history_before
    deleted_rows = table_rows(warehouse_of(pipeline), "raw_zoho", "deleted_records")
    assert set(deleted) <= set(deleted_rows)
    # Related lists read again replace what was loaded for their parent.
    assert (campaign_id, removed_member) not in _loaded_members(pipeline)
    assert {(campaign_id, m) for _, m in _members(server, campaign_id)} <= _loaded_members(pipeline)
    with duckdb.connect(str(warehouse_of(pipeline)), read_only=True) as con:
        roles = con.execute(
            "select deal_id, contact_id from raw_zoho.deal_contact_roles where deal_id = ?", [changed[0]]
        ).fetchall()
    assert roles == [(changed[0], None)]


def test_retries_then_succeeds_and_a_refused_refresh_token_fails_clearly(
    server: FakeZoho, pipeline: dlt.Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.fail_next(
        Reply(429, {"code": "TOO_MANY_REQUESTS", "status": "error"}, {"Retry-After": "1"}), Reply(502)
    )
    pipeline.run(_source(server).with_resources("deals"))  # any resource starts with the token
    # The first request (the token refresh) met a rate limit and a bad gateway, and was retried.
    assert [r.status for r in server.requests[:3]] == [429, 502, 200]
    state_before = pipeline.state["sources"]["zoho"]["resources"]["deals"]["window_start"]

    with pytest.raises(PipelineStepFailed) as failure:
        pipeline.run(_source(server, refresh_token="1000.revoked-refresh-token").with_resources("deals"))
    error = cause_of_type(failure.value, SourceAuthError)
    assert isinstance(error, SourceAuthError)
    assert "invalid_code" in str(error) and "SOURCES__ZOHO__" in str(error)
    assert "revoked-refresh-token" not in str(failure.value)
    assert "revoked-refresh-token" not in caplog.text and CLIENT_SECRET not in caplog.text
    assert pipeline.state["sources"]["zoho"]["resources"]["deals"]["window_start"] == state_before
