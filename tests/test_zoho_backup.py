"""Zoho's own data backup as the CRM (`SALESOPS_CRM_SOURCE=zoho_files`): the demo company's Zoho
organisation exported twice, the marts built from the two backups.

Between the backups one open deal moved (stage, amount, owner) and another was deleted. The marts
must equal the Salesforce-shaped build (the session's demo warehouse) for every deal the newest
backup has; the moved deal's history must hold both backups' states; the deleted deal must be
flagged."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import dlt
import duckdb
import pytest

from ingestion.demo_company import settings
from ingestion.export_files import finance_exports
from ingestion.plans import plan_files
from ingestion.zoho.backup import STAGES_FILE, api_name, zoho_backup
from orchestration import settings as settings_of_the_warehouse
from tests.crm_builds import (
    OPPORTUNITY_COLUMNS,
    assert_quotas_and_bookings_match_but_split_credit,
    dbt_build,
    translate_ids,
)
from tests.fake_apis.salesforce import org_from_exports
from tests.fake_apis.zoho import FakeZoho
from tests.fake_apis.zoho_backup import write_backup
from tests.raw_tables import duckdb_pipeline

ZONE = "Europe/Berlin"  # the organisation's time zone: backup times carry no offset
PASS_THROUGH = {
    "opportunities": [{"alias": "lead_source", "salesforce": "LeadSource", "zoho": "Lead_Source"}]
}
# Columns read from a deal's history: the moved deal's differs on purpose.
CURRENT_STATE_COLUMNS = tuple(c for c in OPPORTUNITY_COLUMNS if c != "days_in_current_stage")


@dataclass
class BackupBuild:
    connection: duckdb.DuckDBPyConnection
    moved: str  # the deal that moved between the backups (Zoho id)
    moved_before: dict  # its fields in the first backup
    dropped: str  # the deal missing from the second backup
    salesforce_id: dict[str, str]  # Zoho id -> the files build's id


def _backup_source(exports: Path) -> dlt.sources.DltSource:
    return zoho_backup(str(exports), time_zone=ZONE, extra_fields={"Deals": ("Lead_Source",)})


@pytest.fixture(scope="module")
def backup_build(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackupBuild]:
    demo = demo_warehouse / "demo"
    workdir = tmp_path_factory.mktemp("zoho_backup")
    organisation = FakeZoho(org_from_exports(demo / "crm"))
    organisation.close()
    for folder in ("finance", "plans"):
        shutil.copytree(demo / folder, workdir / folder)
        translate_ids(workdir / folder, organisation.ids)
    deals = organisation.modules["Deals"]
    open_stages = {name for name, _, _ in settings.OPEN_STAGES}
    open_deals = sorted(
        deal_id for deal_id, deal in deals.items()
        if deal["Stage"] in open_stages and deal["Amount"] and deal["Created_Time"] < deal["Modified_Time"]
    )  # fmt: skip
    moved, dropped = open_deals[0], open_deals[1]
    other_owner = next(user for user in sorted(organisation.users) if user != deals[moved]["Owner"]["id"])
    moved_before = {
        "Stage": settings.OPEN_STAGES[0][0],
        "Amount": Decimal(str(deals[moved]["Amount"])) - 1000,
        "Owner": {"id": other_owner},
        "Modified_Time": deals[moved]["Created_Time"],
    }
    backup = workdir / "exports" / "zoho"
    raw = duckdb_pipeline(workdir, "zoho", "raw_zoho")
    write_backup(backup, organisation, ZONE, changed={moved: moved_before})
    raw.run(_backup_source(workdir / "exports"))
    shutil.rmtree(backup / "Data")
    write_backup(backup, organisation, ZONE, left_out=(dropped,), files_per_module=3)
    raw.run(_backup_source(workdir / "exports"))
    duckdb_pipeline(workdir, "finance", "raw_finance").run(finance_exports(str(workdir)))
    duckdb_pipeline(workdir, "plans", "raw_plans").run(plan_files(str(workdir / "plans")))
    dbt_build(workdir, "zoho_files", {"crm_pass_through_fields": PASS_THROUGH})
    connection = duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True)
    connection.execute(f"attach '{demo_warehouse / 'warehouse.duckdb'}' as files (read_only)")
    salesforce_id = {zoho_id: sf_id for sf_id, zoho_id in organisation.ids.items()}
    yield BackupBuild(connection, moved, moved_before, dropped, salesforce_id)
    connection.close()


def test_opportunities_mart_matches_the_files_build_for_every_deal_the_backup_has(
    backup_build: BackupBuild,
) -> None:
    columns = ", ".join(CURRENT_STATE_COLUMNS)
    backup_rows = backup_build.connection.execute(
        f"select {columns} from pipeline.fct_opportunities order by all"
    ).fetchall()
    files_rows = backup_build.connection.execute(
        f"select {columns} from files.pipeline.fct_opportunities where opportunity_id <> ? order by all",
        [backup_build.salesforce_id[backup_build.dropped]],
    ).fetchall()
    assert len(backup_rows) > 100
    assert backup_rows == files_rows
    lead_sources = backup_build.connection.execute(
        "select count(distinct lead_source) from pipeline.fct_opportunities"
    ).fetchone()
    assert lead_sources[0] > 2  # a field asked for by its API name, found by its label


def test_a_deal_missing_from_the_newest_backup_is_flagged_deleted(backup_build: BackupBuild) -> None:
    flags = backup_build.connection.execute(
        "select opportunity_id, is_deleted from intermediate.int_crm_opportunities "
        "where opportunity_id in (?, ?)",
        [backup_build.dropped, backup_build.moved],
    ).fetchall()
    assert sorted(flags) == sorted([(backup_build.dropped, True), (backup_build.moved, False)])
    assert backup_build.connection.execute(
        "select count(*) from intermediate.int_crm_opportunities where is_deleted"
    ).fetchone() == (1,)


def test_the_moved_deals_history_holds_both_backups(backup_build: BackupBuild) -> None:
    """Its state in the first backup (at that version's Modified Time, given in Berlin time) and its
    state now; the owner change between them is an owner change."""
    history = backup_build.connection.execute(
        """
        select stage_name, amount, strftime(changed_at, '%Y-%m-%d %H:%M:%S')
        from intermediate.int_crm_opportunity_history where opportunity_id = ? order by changed_at
        """,
        [backup_build.moved],
    ).fetchall()
    current = backup_build.connection.execute(
        "select stage_name, amount from pipeline.fct_opportunities where opportunity_id = ?",
        [backup_build.moved],
    ).fetchone()
    before = backup_build.moved_before
    first_seen = before["Modified_Time"][:19].replace("T", " ")  # UTC in the API's ISO form
    assert [row[:2] for row in history] == [(before["Stage"], before["Amount"]), current]
    assert history[0][2] == first_seen
    owner_changes = backup_build.connection.execute(
        "select old_owner_id, new_owner_id from intermediate.int_crm_opportunity_owner_changes "
        "where opportunity_id = ?",
        [backup_build.moved],
    ).fetchall()
    assert len(owner_changes) == 1 and owner_changes[0][0] == before["Owner"]["id"]


def test_quota_attainment_matches_except_for_split_credit(backup_build: BackupBuild) -> None:
    """The dropped deal is open: bookings do not change."""
    assert_quotas_and_bookings_match_but_split_credit(backup_build.connection)


def test_backup_labels_map_to_the_api_names() -> None:
    labels = {
        "Record Id",
        "Deal Owner",
        "Deal Owner.id",
        "Account Name",
        "Account Name.id",
        "Probability (%)",
    }
    assert [api_name(label, labels) for label in sorted(labels)] == [
        None, "Account_Name_id", None, "Owner_id", "Probability", "id"
    ]  # fmt: skip
    assert api_name("Term Months", labels) == "Term_Months"


def test_a_cut_off_file_holds_back_its_whole_module(tmp_path: Path) -> None:
    """Loading the other files alone would count the cut-off file's deals as deleted."""
    deal = {"id": "1", "Owner": {"id": "7"}, "Deal_Name": "A", "Stage": "Closed Won",
            "Closing_Date": "2026-01-05", "Modified_Time": "2026-01-05T10:00:00+00:00"}  # fmt: skip
    backup = tmp_path / "exports" / "zoho"
    write_backup(backup, None, ZONE, extra_modules={"Deals": {"1": deal, "2": {**deal, "id": "2"}}})
    second = backup / "Data" / "Deals_002.csv"
    second.write_text(second.read_text().splitlines()[0] + "\n2,cut off\n")
    pipeline = duckdb_pipeline(tmp_path, "zoho", "raw_zoho")
    pipeline.run(_backup_source(tmp_path / "exports"))
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        assert connection.execute("select count(*) from raw_zoho.deals").fetchone() == (0,)
        reason = connection.execute(
            "select _source_file, _rejected_reason from raw_zoho.deals__rejected"
        ).fetchone()
    assert reason[0] == "Data/Deals_002.csv" and "field(s) where the header has" in reason[1]


def test_a_backup_without_the_stage_list_stops_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "zoho").mkdir()
    with pytest.raises(Exception) as raised:
        duckdb_pipeline(tmp_path, "zoho", "raw_zoho").run(_backup_source(tmp_path))
    assert f"{STAGES_FILE} is missing" in str(raised.value) and "Forecast Type" in str(raised.value)


def test_the_api_and_the_backup_cannot_both_feed_raw_zoho(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESOPS_CRM_SOURCE", "zoho_files,zoho")
    with pytest.raises(ValueError, match="load the same raw_zoho tables; name one of them"):
        settings_of_the_warehouse.crm_sources()
    monkeypatch.setenv("SALESOPS_CRM_SOURCE", "files,zoho_files")
    assert settings_of_the_warehouse.crm_sources() == ("files", "zoho_files")
