"""Helpers for the tests that build the demo company's marts from another CRM than its files."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from tests.conftest import SESSION_AS_OF
from tests.dbt_runner import dbt_build as run_dbt_build

SALESFORCE_ID = re.compile(r"\b[0-9A-Za-z]{18}\b")


def translate_ids(folder: Path, ids: dict[str, str]) -> None:
    """Plan and finance files name reps, accounts and deals by CRM id: a HubSpot shop uses HubSpot's."""
    for path in folder.rglob("*"):
        if path.suffix in (".csv", ".yaml"):
            text = path.read_text()
            path.write_text(SALESFORCE_ID.sub(lambda m: ids.get(m.group(0), m.group(0)), text))


def dbt_build(
    workdir: Path, crm_source: str, dbt_vars: dict[str, Any] | None = None, unit_tests_in: str | None = None
) -> None:
    """`dbt build` of every model of `crm_source` and their data tests. Unit tests run only those
    under the folder `unit_tests_in`, a CRM's own models' (they need its build): the rest ran in
    the session's build (31 of HubSpot's build's 32 unit tests, 7 s)."""
    env = {
        "SALESOPS_CRM_SOURCE": crm_source,
        "SALESOPS_WAREHOUSE_PATH": str(workdir / "warehouse.duckdb"),
        "SALESOPS_AS_OF_DATE": SESSION_AS_OF.isoformat(),  # the same "now" as the demo warehouse's marts
    }
    units = f" path:{unit_tests_in},resource_type:unit_test" if unit_tests_in else ""
    # Selected by name, not through their models (dbt_build's cautious selection would add them all).
    select = ["--select", f"resource_type:model resource_type:test{units}", "--indirect-selection", "empty"]
    run_dbt_build(workdir, env, *select, dbt_vars=dbt_vars, unit_tests=bool(unit_tests_in))


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


def assert_quotas_and_bookings_match_but_split_credit(connection: duckdb.DuckDBPyConnection) -> None:
    """Without deal splits (HubSpot's are not loaded; Zoho has none) each deal credits its owner in
    full: the company's total bookings are the same, reps' shares of split deals are not. (HubSpot
    owners and Zoho users carry no hire date, so a quota's team can differ for reps hired
    mid-quarter: compare reps.)"""
    query = """
        select count(*), sum(quota_amount), sum(bookings_credited)
        from {schema}fct_quota_attainment
        where attainment_level = 'rep' and period_grain = 'quarter'
    """
    quotas, quota_total, crm_bookings = connection.execute(query.format(schema="quota.")).fetchone()
    files_quotas, files_quota_total, files_bookings = connection.execute(
        query.format(schema="files.quota.")
    ).fetchone()
    assert (quotas, quota_total) == (files_quotas, files_quota_total)
    # Overlay splits add credit beyond 100 % in the Salesforce build only.
    overlay = connection.execute("""
        select coalesce(sum(credited_amount_reporting), 0) from files.intermediate.int_bookings_credited
        where credit_type <> 'Revenue'
    """).fetchone()[0]
    # Revenue splits round each share to cents: at most half a cent per share apart.
    split_lines = connection.execute(
        "select count(*) from files.intermediate.int_bookings_credited where credit_type = 'Revenue'"
    ).fetchone()[0]
    assert abs(files_bookings - overlay - crm_bookings) <= Decimal("0.01") * split_lines
    assert crm_bookings > 0


def assert_live_history_matches(connection: duckdb.DuckDBPyConnection) -> None:
    """Stage history and owner changes of live deals: as many rows as the files build has."""
    # Archived (deleted) deals' history is not readable from HubSpot or Zoho: compare live ones.
    counts = """
        select count(*) from {schema}int_crm_opportunity_{model} as changes
        inner join {schema}int_crm_opportunities as opportunities
            on changes.opportunity_id = opportunities.opportunity_id and not opportunities.is_deleted
    """
    for model in ("owner_changes", "history"):
        crm_count = connection.execute(counts.format(schema="intermediate.", model=model)).fetchone()
        files_count = connection.execute(counts.format(schema="files.intermediate.", model=model)).fetchone()
        assert crm_count == files_count and crm_count[0] > 0, model
