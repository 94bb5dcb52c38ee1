"""Every mart works with HubSpot as the CRM, and with HubSpot and Salesforce together: the demo
company served by a fake HubSpot portal, loaded by the HubSpot source, modelled by the HubSpot
staging models, gives the same marts as the same company loaded from its Salesforce-shaped export
files (the session's demo warehouse); a warehouse fed by both holds each as its own build does."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion.export_files import finance_exports
from ingestion.hubspot import hubspot
from ingestion.plans import plan_files
from orchestration import settings
from tests.conftest import SESSION_AS_OF
from tests.fake_apis.hubspot import TOKEN, FakeHubSpot
from tests.fake_apis.salesforce import org_from_exports
from tests.raw_tables import duckdb_pipeline

SALESFORCE_ID = re.compile(r"\b[0-9A-Za-z]{18}\b")


def _translate_ids(folder: Path, ids: dict[str, str]) -> None:
    """Plan and finance files name reps, accounts and deals by CRM id: a HubSpot shop uses HubSpot's."""
    for path in folder.rglob("*"):
        if path.suffix in (".csv", ".yaml"):
            text = path.read_text()
            path.write_text(SALESFORCE_ID.sub(lambda m: ids.get(m.group(0), m.group(0)), text))


def _dbt_build(workdir: Path, crm_source: str) -> None:
    env = {
        **os.environ,
        "SALESOPS_CRM_SOURCE": crm_source,
        "SALESOPS_WAREHOUSE_PATH": str(workdir / "warehouse.duckdb"),
    }
    # The same "now" as the demo warehouse's marts.
    build = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "build", "--profiles-dir", ".",
         "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs"),
         "--vars", f"{{as_of_date: '{SESSION_AS_OF}'}}"],
        cwd=settings.DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout[-5000:]


@pytest.fixture(scope="module")
def hubspot_build(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company loaded from a fake HubSpot portal and built: its folder."""
    exports = demo_warehouse / "demo"
    workdir = tmp_path_factory.mktemp("hubspot_warehouse")
    portal = FakeHubSpot(org_from_exports(exports / "crm"))
    try:
        for folder in ("finance", "plans"):
            shutil.copytree(exports / folder, workdir / folder)
            _translate_ids(workdir / folder, portal.ids)
        duckdb_pipeline(workdir, "hubspot", "raw_hubspot").run(
            hubspot(access_token=TOKEN, base_url=portal.url)
        )
    finally:
        portal.close()
    duckdb_pipeline(workdir, "finance", "raw_finance").run(finance_exports(str(workdir)))
    duckdb_pipeline(workdir, "plans", "raw_plans").run(plan_files(str(workdir / "plans")))
    _dbt_build(workdir, "hubspot")
    return workdir


@pytest.fixture(scope="module")
def hubspot_warehouse(demo_warehouse: Path, hubspot_build: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(hubspot_build / "warehouse.duckdb"), read_only=True)
    connection.execute(f"attach '{demo_warehouse / 'warehouse.duckdb'}' as files (read_only)")
    yield connection
    connection.close()


OPPORTUNITY_COLUMNS = (
    "opportunity_name",
    "account_name",
    "owner_name",
    "team_id",
    "territory_id",
    "region",
    "opportunity_type",
    "stage_name",
    "forecast_category",
    "probability_pct",
    "currency_code",
    "amount",
    "fx_rate_to_reporting",
    "amount_reporting",
    "weighted_amount_reporting",
    "created_date",
    "close_date",
    "term_months",
    "age_days",
    "days_in_current_stage",
    "is_open",
    "is_won",
    "is_lost",
)


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


def test_quota_attainment_matches_except_for_split_credit(
    hubspot_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """HubSpot deal splits are not loaded, so each deal credits its owner in full: the company's
    total bookings are the same, reps' shares of split deals are not. (HubSpot owners carry no
    hire date, so a quota's team can differ for reps hired mid-quarter: compare reps.)"""
    query = """
        select count(*), sum(quota_amount), sum(bookings_credited)
        from {schema}fct_quota_attainment
        where attainment_level = 'rep' and period_grain = 'quarter'
    """
    quotas, quota_total, hubspot_bookings = hubspot_warehouse.execute(
        query.format(schema="quota.")
    ).fetchone()
    files_quotas, files_quota_total, files_bookings = hubspot_warehouse.execute(
        query.format(schema="files.quota.")
    ).fetchone()
    assert (quotas, quota_total) == (files_quotas, files_quota_total)
    # Overlay splits add credit beyond 100 % in the Salesforce build only.
    overlay = hubspot_warehouse.execute("""
        select coalesce(sum(credited_amount_reporting), 0) from files.intermediate.int_bookings_credited
        where credit_type <> 'Revenue'
    """).fetchone()[0]
    # Revenue splits round each share to cents: at most half a cent per share apart.
    split_lines = hubspot_warehouse.execute(
        "select count(*) from files.intermediate.int_bookings_credited where credit_type = 'Revenue'"
    ).fetchone()[0]
    assert abs(files_bookings - overlay - hubspot_bookings) <= Decimal("0.01") * split_lines
    assert hubspot_bookings > 0


def test_owner_changes_and_stage_history_come_from_hubspot_property_history(
    hubspot_warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # Archived deals' history is not readable from HubSpot: compare live opportunities.
    counts = """
        select count(*) from {schema}int_crm_opportunity_{model} as changes
        inner join {schema}int_crm_opportunities as opportunities
            on changes.opportunity_id = opportunities.opportunity_id and not opportunities.is_deleted
    """
    for model in ("owner_changes", "history"):
        hubspot_count = hubspot_warehouse.execute(
            counts.format(schema="intermediate.", model=model)
        ).fetchone()
        files_count = hubspot_warehouse.execute(
            counts.format(schema="files.intermediate.", model=model)
        ).fetchone()
        assert hubspot_count == files_count and hubspot_count[0] > 0, model


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
        for schema, database in (
            ("raw_salesforce", "files"), ("raw_finance", "files"), ("raw_plans", "files"), ("raw_hubspot", "hs"),
        ):  # fmt: skip
            connection.execute(f"create schema {schema}")
            tables = connection.execute(
                "select table_name from duckdb_tables() where database_name = ? and schema_name = ?",
                [database, schema],
            ).fetchall()
            for (table,) in tables:
                connection.execute(f"create table {schema}.{table} as select * from {database}.{schema}.{table}")
        for table in USER_KEYED_PLAN_TABLES:
            connection.execute(f"insert into raw_plans.{table} by name select * from hs.raw_plans.{table}")
    _dbt_build(workdir, "files,hubspot")
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
