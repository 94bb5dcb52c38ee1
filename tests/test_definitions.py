"""The Dagster definitions load and hold the expected assets, checks, job and schedule."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest


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
    raw_opportunity = dg.AssetKey(["raw_salesforce", "opportunity"])
    assert dg.AssetCheckKey(raw_opportunity, "opportunity_expectations") in graph.asset_check_keys
    # One suite per raw table and per mart (closed_months marks closed periods; it is no table).
    expectation_suites = {
        key.asset_key for key in graph.asset_check_keys if key.name.endswith("_expectations")
    }
    tables = {
        key
        for key in graph.get_all_asset_keys()
        if key.path[0].startswith("raw_") or key.path[0] in ("pipeline", "quota", "compensation")
    } - {dg.AssetKey(["compensation", "closed_months"])}
    assert tables - expectation_suites == set()
    # Each suite's warnings are a check of their own, named so, that blocks nothing.
    warnings = {key.asset_key for key in graph.asset_check_keys if key.name.endswith("_warnings")}
    assert warnings == expectation_suites
    assert graph.get_check_spec(dg.AssetCheckKey(raw_opportunity, "opportunity_expectations")).blocking
    assert not graph.get_check_spec(dg.AssetCheckKey(raw_opportunity, "opportunity_warnings")).blocking
    # Reconciliations (dbt singular tests over several models) show as checks on the mart they guard.
    reconciliations = {
        ("compensation", "fct_payout_ledger", "assert_ledger_earned_equals_commission_lines"),
        ("compensation", "fct_commission_lines", "assert_no_commission_above_a_cap"),
        ("compensation", "fct_commission_statements", "assert_statement_net_equals_ledger"),
        ("quota", "fct_quota_attainment", "assert_team_attainment_is_its_reps"),
        ("pipeline", "fct_pipeline_movement", "assert_pipeline_waterfall_identity"),
        ("pipeline", "fct_pipeline_movement", "assert_pipeline_movement_sums_its_bridge"),
        ("pipeline", "fct_sales_metrics", "assert_sales_metrics_year_is_its_quarters"),
        ("compensation", "fct_bookings_invoice_exceptions", "assert_bookings_reconcile_with_invoices"),
    }
    assert {
        dg.AssetCheckKey(dg.AssetKey([schema, table]), name) for schema, table, name in reconciliations
    } <= graph.asset_check_keys
    # Publishing waits for every mart.
    serving = graph.get(dg.AssetKey(["serving", "marts"]))
    assert dg.AssetKey(["pipeline", "fct_opportunities"]) in serving.parent_keys
    assert graph.get(dg.AssetKey(["serving", "compensation"])).group_name == "serving"
    assert graph.get(dg.AssetKey(["pipeline", "fct_opportunities"])).group_name == "pipeline"
    assert graph.get(dg.AssetKey(["raw_salesforce", "account"])).group_name == "crm"
    # Owners come from dbt's meta.dagster.owners, descriptions from the dbt docs.
    compensation = graph.get(dg.AssetKey(["compensation", "fct_crediting_events"]))
    assert compensation.owners == ["team:comp-admin"]
    assert "Crediting events for compensation" in (compensation.description or "")
    # Every asset is kept: a group of its layer or area, an owner, a kind and a description.
    groups = {
        "crm",
        "finance",
        "plans",
        "staging",
        "intermediate",
        "core",
        "pipeline",
        "quota",
        "compensation",
        "marketing",
        "crm_health",
        "forecast",
        "serving",
    }
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.group_name in groups and node.owners and node.kinds and node.description, key
    assert "one row per id + system_modstamp" in (graph.get(raw_opportunity).description or "")
    schedule = defs.get_schedule_def("daily_full_run")
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.job_name == "full_run"


def test_every_warehouse_step_is_in_the_single_writer_pool(demo_warehouse: Path) -> None:
    from orchestration.definitions import defs

    job = defs.resolve_job_def("full_run")
    pools = {node.name: node.definition.pool for node in job.graph.node_dict.values()}
    # Closing a month is its own partitioned job, never part of a refresh.
    assert not any("closed_months" in name for name in pools)
    # Freshness checks read only Dagster's own event log, never the warehouse.
    warehouse_steps = {name: pool for name, pool in pools.items() if "freshness_check" not in name}
    assert warehouse_steps and set(warehouse_steps.values()) == {"warehouse"}, pools


def test_unit_tests_run_again_only_when_the_manifest_changes(tmp_path: Path) -> None:
    from orchestration.defs.transform.project import record_unit_tests_passed, unit_tests_passed

    assert not unit_tests_passed(tmp_path)  # never parsed
    (tmp_path / "code.key").write_text("code v1")
    assert not unit_tests_passed(tmp_path)  # parsed, never passed
    record_unit_tests_passed(tmp_path)
    assert unit_tests_passed(tmp_path)  # another data folder, same code: not again
    (tmp_path / "code.key").write_text("code v2")
    assert not unit_tests_passed(tmp_path)


def test_building_the_definitions_leaves_a_load_in_progress_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every Dagster step process, the UI and each test worker builds the definitions. dlt wipes a
    pipeline's folder that holds no state yet: a first load's packages, part way, in another
    process, or the folder another import is creating at the same moment."""
    from orchestration.defs.ingestion.assets import CRM_CONNECTORS, raw_table_assets

    monkeypatch.setenv("SALESOPS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SALESOPS_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    package = tmp_path / "dlt" / "crm_exports" / "normalize" / "extracted" / "1764990000.1"
    package.mkdir(parents=True)
    (package / "opportunity.parquet").write_bytes(b"rows of a first load, part way")

    load = raw_table_assets(CRM_CONNECTORS["files"], "raw_salesforce", "crm", "team:data-engineering")

    assert (package / "opportunity.parquet").read_bytes() == b"rows of a first load, part way"
    assert dg.AssetKey(["raw_salesforce", "opportunity"]) in load.keys


def test_every_job_of_the_code_location_resolves() -> None:
    """What `dagster dev` does when it loads the code: one job selecting part of a check that
    cannot be split (crm_refresh takes only the CRM's freshness) fails the whole location."""
    from orchestration.definitions import defs

    names = {job.name for job in defs.resolve_all_job_defs()}
    assert {"full_run", "crm_refresh", "ingest_exports", "source_freshness", "close_comp_month"} <= names


def test_the_command_line_puts_each_step_of_the_run_in_its_phase() -> None:
    """`make run` prints a line per phase: the load line counts the sources loaded, and the checks
    on raw tables (the suites and dbt's source freshness) are raw checks."""
    from orchestration.definitions import defs
    from orchestration.run_progress import phase_of

    steps = {node.name for node in defs.resolve_job_def("full_run").graph.node_dict.values()}
    assert {step for step in steps if phase_of(step) == "load"} == {
        "crm_exports",
        "finance_exports",
        "plan_files",
    }
    assert phase_of("dbt_source_freshness") == "raw checks" and "dbt_source_freshness" in steps


def test_a_phase_line_counts_its_own_steps_time_not_the_phases_between() -> None:
    """The freshness checks run after dbt and again after publishing: their line gives the time
    of their own steps (0.5 s here), not the 40 s from the first to the last."""
    import io

    import dagster as dg
    from dagster._core.definitions.dependency import NodeHandle
    from dagster._core.events import DagsterEvent
    from dagster._core.execution.plan.handle import StepHandle
    from dagster._core.execution.plan.objects import StepSuccessData
    from rich.console import Console

    from orchestration.run_progress import Phase, RunProgress

    def entry(kind: dg.DagsterEventType, step: str, at: float) -> dg.EventLogEntry:
        succeeded = StepSuccessData(duration_ms=0.0) if kind == dg.DagsterEventType.STEP_SUCCESS else None
        event = DagsterEvent(
            event_type_value=kind.value,
            job_name="full_run",
            step_handle=StepHandle(NodeHandle(step, None)),
            event_specific_data=succeeded,
        )
        return dg.EventLogEntry(
            error_info=None,
            level=10,
            user_message="",
            run_id="r",
            timestamp=at,
            step_key=step,
            dagster_event=event,
        )

    printed = io.StringIO()
    progress = RunProgress(Console(file=printed, width=120))
    progress.phases = {
        "freshness": Phase("freshness", {"freshness_check_a", "freshness_check_b"}),
        "dbt": Phase("dbt", {"warehouse_dbt_assets"}),
    }
    timeline = [
        (dg.DagsterEventType.STEP_START, "freshness_check_a", 100.0),
        (dg.DagsterEventType.STEP_SUCCESS, "freshness_check_a", 100.2),
        (dg.DagsterEventType.STEP_START, "warehouse_dbt_assets", 100.2),
        (dg.DagsterEventType.STEP_SUCCESS, "warehouse_dbt_assets", 139.8),
        (dg.DagsterEventType.STEP_START, "freshness_check_b", 139.8),
        (dg.DagsterEventType.STEP_SUCCESS, "freshness_check_b", 140.1),
    ]
    for kind, step, at in timeline:
        progress._take(entry(kind, step, at))
    lines = printed.getvalue().splitlines()
    assert any(line.startswith("dbt") and line.endswith("(40 s)") for line in lines), lines
    assert any(line.startswith("freshness") and line.endswith("(0 s)") for line in lines), lines
    assert round(progress.phases["freshness"].seconds, 1) == 0.5
