"""The whole pipeline on the small demo warehouse: raw tables loaded, marts built and consistent."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from ingestion.plans import OPTIONAL_PLAN_TABLES
from orchestration import settings
from orchestration.defs.transform.project import dbt_project
from orchestration.summary import MART_SCHEMAS, table_row_counts

# The demo keeps no manual adjustments or disputes: an absent optional plan file loads no rows.
MAY_BE_EMPTY = {f"raw_plans.{spec.name}" for spec in OPTIONAL_PLAN_TABLES}


@pytest.fixture(scope="module")
def warehouse(demo_warehouse: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(demo_warehouse / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()


def test_every_raw_table_and_mart_is_non_empty(demo_warehouse: Path) -> None:
    raw = table_row_counts(settings.raw_datasets())
    marts = table_row_counts(MART_SCHEMAS)
    assert len(raw) >= 24
    assert {
        "pipeline.fct_opportunities",
        "quota.fct_quota_attainment",
        "compensation.fct_crediting_events",
    } <= set(marts)
    empty = [
        name
        for name, rows in {**raw, **marts}.items()
        if rows == 0
        and not name.endswith("__rejected")
        and name not in MAY_BE_EMPTY
        and name != "compensation.fct_bookings_invoice_exceptions"  # empty is the good state
    ]
    assert empty == []
    assert set(raw) >= MAY_BE_EMPTY, "optional plan tables exist even when their file is absent"


def test_raw_keeps_each_version_once_and_staging_one_row_per_id(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """The demo sends duplicates and several versions of a deal: raw keeps each version once,
    staging the newest per id."""
    total, versions, ids = warehouse.execute(
        "select count(*), count(distinct (id, system_modstamp)), count(distinct id) "
        "from raw_salesforce.opportunity"
    ).fetchone()
    assert total == versions and versions > ids
    staged, staged_ids = warehouse.execute(
        "select count(*), count(distinct opportunity_id) from staging.stg_salesforce__opportunities"
    ).fetchone()
    assert staged == staged_ids == ids
    stale = warehouse.execute("""
        select count(*) from staging.stg_salesforce__opportunities as staged
        join raw_salesforce.opportunity as raw
          on raw.id = staged.opportunity_id and raw.system_modstamp > staged.modified_at
    """).fetchone()[0]
    assert stale == 0


def test_deleted_opportunities_stay_flagged_in_raw_and_leave_the_mart(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    deleted = warehouse.execute(
        "select count(*) from raw_salesforce.opportunity where is_deleted"
    ).fetchone()[0]
    in_mart = warehouse.execute("""
        select count(*) from pipeline.fct_opportunities
        where opportunity_id in (select id from raw_salesforce.opportunity where is_deleted)
    """).fetchone()[0]
    assert deleted > 0 and in_mart == 0


def test_rep_quarter_bookings_equal_credited_bookings_in_the_quota_period(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    """Recomputed from the plan file's quotas and the credited deals, not from the mart's parts."""
    mismatches = warehouse.execute("""
        with recomputed as (
            select quotas.user_id, quotas.period_start, quotas.quota_amount,
                   coalesce(sum(credits.credited_amount_reporting), 0) as booked
            from raw_plans.quotas as quotas
            left join intermediate.int_bookings_credited as credits
              on credits.user_id = quotas.user_id
             and credits.credit_date between quotas.period_start and quotas.period_end
            group by quotas.user_id, quotas.period_start, quotas.quota_amount
        )
        select recomputed.*, mart.bookings_credited, mart.quota_amount
        from recomputed
        join quota.fct_quota_attainment as mart
          on mart.attainment_level = 'rep' and mart.period_grain = 'quarter'
         and mart.member_id = recomputed.user_id and mart.period_start = recomputed.period_start
        where mart.bookings_credited <> recomputed.booked or mart.quota_amount <> recomputed.quota_amount
    """).fetchall()
    matched = warehouse.execute(
        "select count(*) from quota.fct_quota_attainment "
        "where attainment_level = 'rep' and period_grain = 'quarter'"
    ).fetchone()[0]
    assert mismatches == [] and matched > 10


def test_attainment_is_bookings_over_quota_at_every_level(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute("""
        select quota_amount, bookings_credited, attainment_pct
        from quota.fct_quota_attainment where quota_amount > 0
    """).fetchall()
    assert rows
    for quota, bookings, attainment in rows:
        expected = (bookings * 100 / quota).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert attainment == expected


def test_team_attainment_is_the_sum_of_its_reps(warehouse: duckdb.DuckDBPyConnection) -> None:
    mismatches = warehouse.execute("""
        select team.period_grain, team.period_start, team.member_id
        from quota.fct_quota_attainment as team
        join (
            select rep_months.team_id, periods.period_grain, periods.period_start,
                   sum(rep_months.quota_amount) as quota, sum(rep_months.bookings_credited) as booked
            from intermediate.int_quota_rep_months as rep_months
            join intermediate.int_calendar_periods as periods
              on periods.period_grain = 'quarter' and rep_months.quarter_start = periods.period_start
            group by all
        ) as reps
          on reps.team_id = team.member_id and reps.period_grain = team.period_grain
         and reps.period_start = team.period_start
        where team.attainment_level = 'team'
          and (team.quota_amount <> reps.quota or team.bookings_credited <> reps.booked)
    """).fetchall()
    assert mismatches == []


def test_pipeline_waterfall_identity_holds_for_every_rep_and_period(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    rows = warehouse.execute("""
        select open_at_start, created, reopened, pulled_in, transferred_in, increased,
               decreased, pushed_out, transferred_out, won, lost, removed, fx_revaluation, open_at_end
        from pipeline.fct_pipeline_movement
    """).fetchall()
    grains = {
        g
        for (g,) in warehouse.execute(
            "select distinct period_grain from pipeline.fct_pipeline_movement"
        ).fetchall()
    }
    assert grains == {"week", "month", "quarter", "year"} and len(rows) > 100
    for start, *inflows, decreased, pushed, transferred_out, won, lost, removed, fx, end in rows:
        assert start + sum(inflows) - decreased - pushed - transferred_out - won - lost - removed + fx == end


def test_snapshots_keep_the_open_days_of_deals_deleted_since(warehouse: duckdb.DuckDBPyConnection) -> None:
    """A deal deleted since stays in the days it was open but leaves fct_opportunities: the
    snapshots' reference (a dbt relationships test) is to every deal the CRM sent, deleted ones
    included, so it holds."""
    (deleted_since,) = warehouse.execute(
        "select count(distinct opportunity_id) from pipeline.fct_pipeline_snapshots "
        "where opportunity_id not in (select opportunity_id from pipeline.fct_opportunities)"
    ).fetchone()
    assert deleted_since > 0, "the demo deletes some deals after they were open"
    (orphans,) = warehouse.execute(
        "select count(*) from pipeline.fct_pipeline_snapshots where opportunity_id not in "
        "(select opportunity_id from intermediate.int_crm_opportunities)"
    ).fetchone()
    assert orphans == 0


def test_snapshot_on_the_as_of_date_is_the_current_open_pipeline(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    snapshot = warehouse.execute("""
        select opportunity_id, owner_id, stage_name, amount, close_date, amount_reporting
        from pipeline.fct_pipeline_snapshots
        where snapshot_date = (select max(snapshot_date) from pipeline.fct_pipeline_snapshots)
        order by opportunity_id
    """).fetchall()
    current = warehouse.execute("""
        select opportunity_id, owner_id, stage_name, amount, close_date, amount_reporting
        from pipeline.fct_opportunities where is_open order by opportunity_id
    """).fetchall()
    assert len(current) > 20 and snapshot == current


def test_contact_pii_is_hashed_in_staging(warehouse: duckdb.DuckDBPyConnection) -> None:
    columns = {
        row[0]
        for row in warehouse.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'staging' and table_name = 'stg_salesforce__contacts'"
        ).fetchall()
    }
    assert "email" not in columns and "phone" not in columns
    sample = warehouse.execute("select email_hash from staging.stg_salesforce__contacts limit 5").fetchall()
    assert all("@" not in value for (value,) in sample)


def test_marts_carry_documented_columns(warehouse: duckdb.DuckDBPyConnection) -> None:
    undocumented = warehouse.execute("""
        select schema_name || '.' || table_name || '.' || column_name
        from duckdb_columns()
        where schema_name in ('pipeline', 'quota', 'compensation')
          and (comment is null or comment = '')
    """).fetchall()
    documented = warehouse.execute("""
        select count(*) from duckdb_columns()
        where schema_name in ('pipeline', 'quota', 'compensation') and comment <> ''
    """).fetchone()[0]
    assert undocumented == [] and documented > 50


def test_every_key_is_enforced_by_its_table_or_tested_once(warehouse: duckdb.DuckDBPyConnection) -> None:
    """A mart's key is its contract's primary key, which DuckDB enforces as it builds the table
    (the key's `primary_key` test is for Spark, which does not); the other models' keys each
    carry one `primary_key` test instead of dbt's `unique` and `not_null` (two nodes). The tests
    are those of the project's manifest, which the session's run built."""
    declared = {
        (model["name"], column["name"])
        for path in (settings.DBT_PROJECT_DIR / "models" / "marts").rglob("*.yml")
        for model in yaml.safe_load(path.read_text()).get("models", [])
        for column in model.get("columns", [])
        if {"type": "primary_key"} in column.get("constraints", [])
    }
    enforced = {
        (table, columns[0])
        for table, columns in warehouse.execute(
            "select table_name, constraint_column_names from duckdb_constraints() "
            "where constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    }
    assert len(declared) >= 12 and declared <= enforced, declared - enforced
    manifest = json.loads(dbt_project().manifest_path.read_text())
    tests = {node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "test"}
    assert not {f"primary_key_{table}_{column}" for table, column in declared} & tests
    assert {
        "primary_key_stg_salesforce__opportunities_opportunity_id",
        "primary_key_int_crm_users_user_id",
        "primary_key_dim_reps_rep_name",  # a mart column that is no contract key
    } <= tests
    keys = {name.removeprefix("primary_key_") for name in tests if name.startswith("primary_key_")}
    assert not {
        name for name in tests if name.startswith("unique_") and not name.startswith("unique_combination_")
    }
    assert not {f"not_null_{key}" for key in keys} & tests


def test_rejected_rows_are_kept_with_reasons_and_counted_in_the_run_metadata(
    demo_warehouse: Path, warehouse: duckdb.DuckDBPyConnection
) -> None:
    import dagster as dg

    rejected = warehouse.execute(
        "select count(*), min(_rejected_reason), min(_source_file) from raw_salesforce.task__rejected"
    ).fetchone()
    assert rejected[0] > 0, "the demo types a few task dates day-first; they must be rejected"
    assert rejected[1].startswith("ActivityDate='") and "is not a valid date32" in rejected[1]
    assert rejected[2].startswith("Task/")
    with dg.DagsterInstance.from_config(str(demo_warehouse / "dagster_home")) as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["raw_salesforce", "task"]))
        clean = instance.get_latest_materialization_event(dg.AssetKey(["raw_salesforce", "opportunity"]))
    assert event is not None and clean is not None
    assert event.asset_materialization.metadata["rejected_rows"].value == rejected[0]
    assert clean.asset_materialization.metadata["rejected_rows"].value == 0


def test_status_after_a_clean_run_is_fresh_and_exits_0(
    demo_warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only what the daily run builds has an SLA: the closed months and the period log change on
    close-month, so they are not called stale before anyone closes a month."""
    from orchestration.cli import main

    capsys.readouterr()
    assert main(["status"]) == 0
    report = capsys.readouterr().out
    assert "STALE" not in report and "never materialized" not in report
    assert "pipeline/fct_opportunities" in report and "serving/marts" in report
    assert "closed_months" not in report and "period_log" not in report


def test_dbt_keeps_each_builds_artifacts_and_log_together_under_target_runs(demo_warehouse: Path) -> None:
    """Not in the warehouse's folder (dbt resolved its log's relative path from there), where
    nothing pruned them."""
    assert not (demo_warehouse / "target").exists()
    builds = list((settings.DBT_PROJECT_DIR / "target" / "runs").glob("warehouse_dbt_assets-*"))
    assert any((build / "dbt.log").exists() and (build / "run_results.json").exists() for build in builds)


def test_dlt_keeps_no_copy_of_what_it_loaded(demo_warehouse: Path) -> None:
    """dlt keeps each load's files (Parquet, SQL) unless told not to: a copy of every load."""
    packages = list((demo_warehouse / "dlt").glob("*/load/loaded/*"))
    assert packages  # the loads happened and their records are kept
    assert [path for package in packages for path in package.glob("completed_jobs/*")] == []
