"""The Dagster definitions load and hold the expected assets, checks, job and schedule."""

from __future__ import annotations

from pathlib import Path

import dagster as dg


def test_definitions_load_with_assets_checks_and_schedule(demo_warehouse: Path) -> None:
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {
        "raw_salesforce/opportunity",
        "raw_finance/invoices",
        "raw_plans/quotas",
        "staging/stg_salesforce__opportunities",
        "pipeline/fct_opportunities",
        "quota/fct_quota_attainment",
        "compensation/fct_crediting_events",
    } <= keys
    # dbt sources join their dlt assets: no dangling upstream keys.
    opportunities_stg = dg.AssetKey(["staging", "stg_salesforce__opportunities"])
    assert dg.AssetKey(["raw_salesforce", "opportunity"]) in graph.get(opportunities_stg).parent_keys
    check_names = {key.name for key in graph.asset_check_keys}
    assert {"raw_opportunity_expectations", "fct_opportunities_expectations"} <= check_names
    assert graph.get(dg.AssetKey(["pipeline", "fct_opportunities"])).group_name == "pipeline"
    assert graph.get(dg.AssetKey(["raw_salesforce", "account"])).group_name == "crm"
    # Owners come from dbt's meta.dagster.owners, descriptions from the dbt docs.
    compensation = graph.get(dg.AssetKey(["compensation", "fct_crediting_events"]))
    assert compensation.owners == ["team:comp-admin"]
    assert "Crediting events for compensation" in (compensation.description or "")
    schedule = defs.get_schedule_def("daily_full_run")
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.job_name == "full_run"


def test_every_warehouse_step_is_in_the_single_writer_pool(demo_warehouse: Path) -> None:
    from orchestration.definitions import defs

    job = defs.get_job_def("full_run")
    pools = {node.name: node.definition.pool for node in job.graph.node_dict.values()}
    assert pools and set(pools.values()) == {"warehouse"}, pools
