"""Every mart works with Zoho CRM as the CRM: the demo company served by a fake Zoho organisation,
loaded by the Zoho source, modelled by the Zoho staging models, gives the same marts as the same
company loaded from its Salesforce-shaped export files (the session's demo warehouse)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingestion.export_files import finance_exports
from ingestion.plans import plan_files
from ingestion.zoho import zoho
from tests.crm_builds import (
    OPPORTUNITY_COLUMNS,
    assert_live_history_matches,
    assert_quotas_and_bookings_match_but_split_credit,
    dbt_build,
    translate_ids,
)
from tests.fake_apis.salesforce import org_from_exports
from tests.fake_apis.zoho import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeZoho
from tests.raw_tables import duckdb_pipeline

# Extra fields carried to the marts: a field Zoho's loader is asked for only because it is listed
# (Lead_Source), one it loads anyway (Industry), and one only another CRM maps (null here).
PASS_THROUGH = {
    "opportunities": [
        {"alias": "lead_source", "salesforce": "LeadSource", "zoho": "Lead_Source"},
        {"alias": "hubspot_only", "hubspot": "hs_analytics_source"},
    ],
    "accounts": [{"alias": "industry_as_listed", "zoho": "Industry"}],
}


@pytest.fixture(scope="module")
def zoho_warehouse(
    demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    exports = demo_warehouse / "demo"
    workdir = tmp_path_factory.mktemp("zoho_warehouse")
    organisation = FakeZoho(org_from_exports(exports / "crm"))
    try:
        for folder in ("finance", "plans"):
            shutil.copytree(exports / folder, workdir / folder)
            translate_ids(workdir / folder, organisation.ids)
        source = zoho(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=REFRESH_TOKEN,
            accounts_url=organisation.url, extra_fields={"Deals": ("Lead_Source",)},
        )  # fmt: skip
        duckdb_pipeline(workdir, "zoho", "raw_zoho").run(source)
    finally:
        organisation.close()
    duckdb_pipeline(workdir, "finance", "raw_finance").run(finance_exports(str(workdir)))
    duckdb_pipeline(workdir, "plans", "raw_plans").run(plan_files(str(workdir / "plans")))
    dbt_build(workdir, "zoho", {"crm_pass_through_fields": PASS_THROUGH})
    connection = duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True)
    connection.execute(f"attach '{demo_warehouse / 'warehouse.duckdb'}' as files (read_only)")
    yield connection
    connection.close()


def test_opportunities_mart_matches_the_salesforce_shaped_build_deal_for_deal(
    zoho_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    columns = ", ".join(OPPORTUNITY_COLUMNS)
    zoho_rows = zoho_warehouse.execute(
        f"select {columns} from pipeline.fct_opportunities order by all"
    ).fetchall()
    files_rows = zoho_warehouse.execute(
        f"select {columns} from files.pipeline.fct_opportunities order by all"
    ).fetchall()
    assert len(zoho_rows) > 100
    assert zoho_rows == files_rows
    assert zoho_warehouse.execute(
        "select distinct source_system from pipeline.fct_opportunities"
    ).fetchall() == [("zoho",)]


def test_lead_funnel_and_campaign_costs_match_the_salesforce_leads_and_campaigns(
    zoho_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """The organisation's Leads carry the demo's leads under Zoho's standard statuses, converted
    ones only when asked for (`converted=both`), with Converted_Deal naming the deal; their status
    changes come from their timelines. Each monthly cohort's leads, MQLs, SQLs, conversions and
    wins per team and source are the Salesforce build's, and each campaign costs what it costs
    there (actual cost, else its month's spend), with the same members and responses (its Leads
    and Contacts related lists, by Member_Status)."""
    funnel = """
        select period_start, team_id, lead_source, sum(leads_created), sum(leads_reached_mql),
            sum(leads_reached_sql), sum(leads_converted), sum(opportunities_won)
        from {schema}fct_lead_funnel where period_grain = 'month'
        group by all order by all
    """
    zoho_cohorts = zoho_warehouse.execute(funnel.format(schema="marketing.")).fetchall()
    files_cohorts = zoho_warehouse.execute(funnel.format(schema="files.marketing.")).fetchall()
    assert sum(row[6] for row in zoho_cohorts) > 100
    assert zoho_cohorts == files_cohorts
    costs = """
        select campaign_name, campaign_type, start_date, cost_source, cost_reporting, members, responses
        from {schema}fct_campaign_performance where attribution_model = 'linear' order by all
    """
    zoho_costs = zoho_warehouse.execute(costs.format(schema="marketing.")).fetchall()
    assert len(zoho_costs) > 50
    assert zoho_costs == zoho_warehouse.execute(costs.format(schema="files.marketing.")).fetchall()
    assert sum(row[6] for row in zoho_costs) > 50


# dbt var attribution_lookback_days
ATTRIBUTION_LOOKBACK_DAYS = 180


def test_campaign_touches_are_responded_members_among_each_won_deals_contact_roles(
    zoho_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """A won deal's touches are the campaigns its contacts (its Contact_Roles related list and its
    Contact_Name) responded to (Member_Status Responded). Zoho keeps no response date, so a touch is
    dated by its campaign's start, and counts when that falls from the lookback before the deal's
    creation to its close. Worked out here from the raw tables the API loaded."""
    expected = zoho_warehouse.execute(f"""
        with won as (
            select opportunity_id, created_date, close_date from pipeline.fct_opportunities where is_won
        ),
        contacts as (
            select deal_id, contact_id from raw_zoho.deal_contact_roles where contact_id is not null
            union
            select id, contact_name_id from raw_zoho.deals where contact_name_id is not null
        ),
        campaigns as (select distinct id, start_date from raw_zoho.campaigns)
        select distinct won.opportunity_id, members.campaign_id, campaigns.start_date
        from won
        join contacts on won.opportunity_id = contacts.deal_id
        join raw_zoho.campaign_members as members
            on members.member_id = contacts.contact_id and members.member_status = 'Responded'
        join campaigns on members.campaign_id = campaigns.id
        where campaigns.start_date between won.created_date - {ATTRIBUTION_LOOKBACK_DAYS} and won.close_date
        order by all
    """).fetchall()  # fmt: skip
    touches = zoho_warehouse.execute(
        "select distinct opportunity_id, campaign_id, touched_on from marketing.fct_campaign_attribution "
        "order by all"
    ).fetchall()
    assert len({opportunity for opportunity, _, _ in touches}) > 20
    assert touches == expected
    # Every model gives each won deal with touches its whole amount (to the cent).
    unattributed = zoho_warehouse.execute("""
        select opportunity_id, attribution_model
        from marketing.fct_campaign_attribution
        group by all
        having sum(attributed_amount_reporting) != any_value(opportunity_amount_reporting)
    """).fetchall()  # fmt: skip
    assert unattributed == []


def test_rep_activity_counts_the_calls_meetings_and_tasks_the_salesforce_build_does(
    zoho_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """Salesforce's call tasks are Zoho Calls, its other tasks Zoho Tasks (e-mails among them:
    Zoho logs no e-mail records), its events Zoho Events, each naming its deal in What_Id: each
    month's calls, meetings, e-mails + tasks, done and open activities, and deals closed and won
    by activity band are the Salesforce build's (reps' ids differ). Open deals at a month's end
    can only be fewer: a deal deleted since is not in Zoho's history (see the snapshots test)."""
    activity = """
        select period_start, sum(calls), sum(meetings), sum(emails + other_tasks),
            sum(completed_activities), sum(open_activities), sum(closed_deals_band_0),
            sum(won_deals_band_0), sum(closed_deals_band_1_4), sum(won_deals_band_1_4),
            sum(closed_deals_band_5_9), sum(won_deals_band_5_9)
        from {schema}fct_rep_activity where period_grain = 'month' group by all order by all
    """
    zoho_activity = zoho_warehouse.execute(activity.format(schema="pipeline.")).fetchall()
    assert sum(row[1] + row[2] + row[3] for row in zoho_activity) > 500
    assert zoho_activity == zoho_warehouse.execute(activity.format(schema="files.pipeline.")).fetchall()
    open_deals = """
        select period_start, sum(open_opportunities) from {schema}fct_rep_activity
        where period_grain = 'month' group by all order by all
    """
    zoho_open = zoho_warehouse.execute(open_deals.format(schema="pipeline.")).fetchall()
    files_open = zoho_warehouse.execute(open_deals.format(schema="files.pipeline.")).fetchall()
    assert [month for month, _ in zoho_open] == [month for month, _ in files_open]
    assert all(0 <= files - zoho <= 2 for (_, zoho), (_, files) in zip(zoho_open, files_open, strict=True))


def test_quota_attainment_matches_except_for_split_credit(zoho_warehouse: duckdb.DuckDBPyConnection) -> None:
    assert_quotas_and_bookings_match_but_split_credit(zoho_warehouse)


def test_owner_changes_and_stage_history_come_from_stage_history_and_timelines(
    zoho_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    assert_live_history_matches(zoho_warehouse)


def test_daily_pipeline_snapshots_match_for_deals_zoho_still_has(
    zoho_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """Zoho's API does not return deals in the recycle bin: a deal deleted before the first load
    never reaches the warehouse (one deleted later stays, flagged). Every other deal's daily
    snapshots are the files build's, day for day."""
    zoho_snapshots = zoho_warehouse.execute("""
        select count(*), sum(amount_reporting), sum(weighted_amount_reporting)
        from pipeline.fct_pipeline_snapshots
    """).fetchone()
    files_snapshots = zoho_warehouse.execute("""
        select count(*), sum(snapshots.amount_reporting), sum(snapshots.weighted_amount_reporting)
        from files.pipeline.fct_pipeline_snapshots as snapshots
        inner join files.intermediate.int_crm_opportunities as opportunities
            on snapshots.opportunity_id = opportunities.opportunity_id
        where not opportunities.is_deleted
    """).fetchone()
    assert zoho_snapshots == files_snapshots and zoho_snapshots[0] > 0


def test_listed_crm_fields_are_carried_through_to_the_marts(
    zoho_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    lead_sources = zoho_warehouse.execute(
        "select lead_source, count(*) from pipeline.fct_opportunities group by all order by all"
    ).fetchall()
    files_lead_sources = zoho_warehouse.execute("""
        select lead_source, count(*) from files.staging.stg_salesforce__opportunities
        where not is_deleted group by all order by all
    """).fetchall()
    assert lead_sources == files_lead_sources and len(lead_sources) > 2
    assert zoho_warehouse.execute(
        "select count(*) from pipeline.fct_opportunities where hubspot_only is not null"
    ).fetchone() == (0,)
    mismatched, accounts = zoho_warehouse.execute("""
        select count(*) filter (where industry_as_listed is distinct from industry), count(*)
        from core.dim_accounts
    """).fetchone()
    assert mismatched == 0 and accounts > 0
