"""Every mart works with HubSpot as the CRM, and with HubSpot and Salesforce together: the demo
company served by a fake HubSpot portal, loaded by the HubSpot source, modelled by the HubSpot
staging models, gives the same marts as the same company loaded from its Salesforce-shaped export
files (the session's demo warehouse); a warehouse fed by both holds each as its own build does."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingestion.export_files import finance_exports
from ingestion.hubspot import hubspot
from ingestion.plans import plan_files
from tests.crm_builds import (
    OPPORTUNITY_COLUMNS,
    assert_live_history_matches,
    assert_quotas_and_bookings_match_but_split_credit,
    dbt_build,
    translate_ids,
)
from tests.fake_apis.hubspot import TOKEN, FakeHubSpot
from tests.fake_apis.salesforce import org_from_exports
from tests.raw_tables import duckdb_pipeline


@pytest.fixture(scope="module")
def hubspot_build(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company loaded from a fake HubSpot portal and built: its folder."""
    exports = demo_warehouse / "demo"
    workdir = tmp_path_factory.mktemp("hubspot_warehouse")
    portal = FakeHubSpot(org_from_exports(exports / "crm"))
    try:
        for folder in ("finance", "plans"):
            shutil.copytree(exports / folder, workdir / folder)
            translate_ids(workdir / folder, portal.ids)
        duckdb_pipeline(workdir, "hubspot", "raw_hubspot").run(
            hubspot(access_token=TOKEN, base_url=portal.url)
        )
    finally:
        portal.close()
    duckdb_pipeline(workdir, "finance", "raw_finance").run(finance_exports(str(workdir)))
    duckdb_pipeline(workdir, "plans", "raw_plans").run(plan_files(str(workdir / "plans")))
    dbt_build(workdir, "hubspot", unit_tests_in="models/intermediate/crm/hubspot")  # HubSpot's own
    return workdir


@pytest.fixture(scope="module")
def hubspot_warehouse(demo_warehouse: Path, hubspot_build: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(hubspot_build / "warehouse.duckdb"), read_only=True)
    connection.execute(f"attach '{demo_warehouse / 'warehouse.duckdb'}' as files (read_only)")
    yield connection
    connection.close()


def test_opportunities_mart_matches_the_salesforce_shaped_build_deal_for_deal(
    hubspot_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    columns = ", ".join(OPPORTUNITY_COLUMNS)
    hubspot_rows = hubspot_warehouse.execute(
        f"select {columns} from pipeline.fct_opportunities order by all"
    ).fetchall()
    salesforce_rows = hubspot_warehouse.execute(
        f"select {columns} from files.pipeline.fct_opportunities order by all"
    ).fetchall()
    assert len(hubspot_rows) > 100
    assert hubspot_rows == salesforce_rows
    assert hubspot_warehouse.execute(
        "select distinct source_system from pipeline.fct_opportunities"
    ).fetchall() == [("hubspot",)]


def test_lead_funnel_from_lifecycle_stages_matches_the_salesforce_leads(
    hubspot_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """The portal's contacts carry the demo's leads as lifecycle-stage dates (a converted lead's on
    the contact it became, associated with its deal): each monthly cohort's leads, MQLs, SQLs,
    conversions and wins per team are the Salesforce build's, though the source labels differ."""
    query = """
        select period_start, team_id, sum(leads_created), sum(leads_reached_mql),
            sum(leads_reached_sql), sum(leads_converted), sum(opportunities_won)
        from {schema}fct_lead_funnel where period_grain = 'month'
        group by all order by all
    """
    hubspot_cohorts = hubspot_warehouse.execute(query.format(schema="marketing.")).fetchall()
    files_cohorts = hubspot_warehouse.execute(query.format(schema="files.marketing.")).fetchall()
    assert sum(row[5] for row in hubspot_cohorts) > 100
    assert hubspot_cohorts == files_cohorts
    # Rep activity counts the same calls, meetings, e-mails and tasks (a proposal sent is an e-mail
    # in Salesforce, a to-do task in the portal), done and open, the same open deals, the same
    # deals without recent activity, and (engagements' deal associations) the same deals closed
    # and won in each activity band.
    activity = """
        select sum(calls), sum(meetings), sum(emails + other_tasks), sum(completed_activities),
            sum(open_activities), sum(open_opportunities), sum(stale_open_opportunities),
            sum(closed_deals_band_0), sum(won_deals_band_0), sum(closed_deals_band_1_4),
            sum(won_deals_band_1_4), sum(closed_deals_band_5_9), sum(won_deals_band_5_9)
        from {schema}fct_rep_activity where period_grain = 'month'
    """
    assert hubspot_warehouse.execute(activity.format(schema="pipeline.")).fetchone() == (
        hubspot_warehouse.execute(activity.format(schema="files.pipeline.")).fetchone()
    )


def test_quota_attainment_matches_except_for_split_credit(
    hubspot_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    assert_quotas_and_bookings_match_but_split_credit(hubspot_warehouse)


def test_team_managers_roll_up_their_teams_quotas_as_salesforce_managers_do(
    hubspot_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """HubSpot has no manager: a rep's manager is their plan team's manager. The demo's Salesforce
    reps report to their team's manager, so each team manager's quota in each period is the
    Salesforce build's; above them (regional VPs, the CRO) HubSpot has no manager rows."""
    managers = """
        select member_name, period_grain, period_start, quota_amount
        from {schema}fct_quota_attainment where attainment_level = 'manager'
    """
    hubspot_rows = hubspot_warehouse.execute(managers.format(schema="quota.") + " order by all").fetchall()
    team_managers = hubspot_warehouse.execute(
        "select count(distinct manager_user_id) from staging.stg_plans__teams"
    ).fetchone()[0]
    files_rows = hubspot_warehouse.execute(
        managers.format(schema="files.quota.")
        + " and member_id in (select manager_user_id from files.staging.stg_plans__teams) order by all"
    ).fetchall()
    assert len({row[0] for row in hubspot_rows}) == team_managers > 1
    assert hubspot_rows == files_rows


def test_owner_changes_and_stage_history_come_from_hubspot_property_history(
    hubspot_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    assert_live_history_matches(hubspot_warehouse)


def test_deal_versions_show_each_deal_once_as_current(hubspot_warehouse: duckdb.DuckDBPyConnection) -> None:
    """History mode on HubSpot: one current version per deal, the one stg_hubspot__deals shows."""
    mismatched = hubspot_warehouse.execute(
        """
        select count(*) from staging.stg_hubspot__deals as deals
        full outer join (
            select * from staging.stg_hubspot__deal_versions where is_current_version
        ) as current_versions on deals.deal_id = current_versions.deal_id
        where current_versions.deal_id is null or deals.deal_id is null
            or deals.amount is distinct from current_versions.amount
            or deals.stage_id is distinct from current_versions.stage_id
        """
    ).fetchone()
    deals = hubspot_warehouse.execute("select count(*) from staging.stg_hubspot__deals").fetchone()
    assert mismatched == (0,) and deals[0] > 0


# Plan tables that name reps: in a warehouse fed by two CRMs, each CRM's reps have their rows.
USER_KEYED_PLAN_TABLES = ("quotas", "plan_assignments", "team_memberships")


@pytest.fixture(scope="module")
def mixed_warehouse(
    demo_warehouse: Path, hubspot_build: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Two business units on two CRMs in one warehouse (SALESOPS_CRM_SOURCE=files,hubspot): the
    demo company in Salesforce-shaped export files and its twin in HubSpot, each rep with plans."""
    workdir = tmp_path_factory.mktemp("mixed_warehouse")
    with duckdb.connect(str(workdir / "warehouse.duckdb")) as connection:
        connection.execute(f"attach '{demo_warehouse / 'warehouse.duckdb'}' as files (read_only)")
        connection.execute(f"attach '{hubspot_build / 'warehouse.duckdb'}' as hs (read_only)")
        sources = (("raw_salesforce", "files"), ("raw_finance", "files"), ("raw_plans", "files"))
        for schema, database in (*sources, ("raw_hubspot", "hs")):
            connection.execute(f"create schema {schema}")
            tables = connection.execute(
                "select table_name from duckdb_tables() where database_name = ? and schema_name = ?",
                [database, schema],
            ).fetchall()
            for (table,) in tables:
                connection.execute(
                    f"create table {schema}.{table} as select * from {database}.{schema}.{table}"
                )
        for table in USER_KEYED_PLAN_TABLES:
            connection.execute(f"insert into raw_plans.{table} by name select * from hs.raw_plans.{table}")
    dbt_build(workdir, "files,hubspot")
    connection = duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True)
    connection.execute(f"attach '{demo_warehouse / 'warehouse.duckdb'}' as files (read_only)")
    connection.execute(f"attach '{hubspot_build / 'warehouse.duckdb'}' as hs (read_only)")
    yield connection
    connection.close()


def test_each_crm_of_a_mixed_warehouse_gives_the_opportunities_its_own_build_gives(
    mixed_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    columns = ", ".join(OPPORTUNITY_COLUMNS)
    for system, database in (("salesforce", "files"), ("hubspot", "hs")):
        mixed_rows = mixed_warehouse.execute(
            f"select {columns} from pipeline.fct_opportunities where source_system = ? order by all", [system]
        ).fetchall()
        own_rows = mixed_warehouse.execute(
            f"select {columns} from {database}.pipeline.fct_opportunities order by all"
        ).fetchall()
        assert len(own_rows) > 100
        assert mixed_rows == own_rows, system


def test_reps_of_both_crms_are_measured_together_and_each_as_in_its_own_build(
    mixed_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    reps = """
        select member_id, period_grain, period_start, quota_amount, bookings_credited, attainment_pct
        from {schema}fct_quota_attainment where attainment_level = 'rep'
    """
    mixed = mixed_warehouse.execute(reps.format(schema="quota.") + " order by all").fetchall()
    both = mixed_warehouse.execute(
        f"select * from ({reps.format(schema='files.quota.')} union all {reps.format(schema='hs.quota.')}) "
        "order by all"
    ).fetchall()
    assert len(mixed) > 50
    assert mixed == both
    # The regions' bookings are the two business units' together (their teams are the same).
    company = """
        select sum(bookings_credited) from {schema}fct_quota_attainment
        where attainment_level = 'region' and period_grain = 'quarter'
    """
    mixed_total = mixed_warehouse.execute(company.format(schema="quota.")).fetchone()[0]
    files_total = mixed_warehouse.execute(company.format(schema="files.quota.")).fetchone()[0]
    hubspot_total = mixed_warehouse.execute(company.format(schema="hs.quota.")).fetchone()[0]
    assert files_total > 0 and hubspot_total > 0
    assert mixed_total == files_total + hubspot_total
