"""The same demo company built by the same dbt project on DuckDB and on the real PostgreSQL gives
the same marts: identical row counts and identical key totals, to the cent; and closing a month
then exporting its payroll gives the same file on both."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import dlt
import duckdb
import psycopg2
import pytest

from ingestion.export_files import crm_exports, finance_exports
from ingestion.plans import plan_files
from tests.conftest import SESSION_AS_OF, fresh_pg_database
from tests.dbt_runner import dbt_build

DBT_VARS = f"{{as_of_date: '{SESSION_AS_OF}'}}"
# mart -> the money columns whose totals must agree
KEY_TOTALS = {
    "pipeline.fct_opportunities": ("amount_reporting", "weighted_amount_reporting"),
    "pipeline.fct_pipeline_snapshots": ("amount_reporting", "weighted_amount_reporting"),
    "pipeline.fct_pipeline_movement_bridge": ("amount_moved", "movement_amount", "change_count"),
    "pipeline.fct_pipeline_movement": (
        "open_at_start",
        "created",
        "increased",
        "won",
        "pushed_out",
        "fx_revaluation",
        "open_at_end",
    ),
    "pipeline.fct_pipeline_funnel": ("reached_count", "average_days_in_stage", "median_days_in_stage"),
    "pipeline.fct_sales_metrics": ("won_amount", "sales_velocity_per_day", "pipeline_coverage_ratio"),
    "quota.fct_quota_attainment": ("quota_amount", "bookings_credited", "attainment_pct", "pacing_pct"),
    "quota.fct_attainment_distribution": ("rep_count", "share_of_reps_pct"),
    "pipeline.fct_rep_activity": ("activities", "stale_open_opportunities", "closed_deals_band_5_9"),
    "marketing.fct_lead_funnel": ("leads_created", "leads_converted", "median_days_to_mql"),
    "crm_health.fct_opportunity_hygiene": ("amount",),
    "forecast.fct_forecast": ("expected_from_open", "weighted_pipeline_forecast", "commit_forecast"),
    "crm_health.fct_rep_data_health": ("open_deals", "deals_with_violation", "health_score"),
    "marketing.fct_campaign_attribution": ("attributed_amount_reporting", "attribution_weight"),
    "marketing.fct_campaign_performance": ("cost_reporting", "won_attributed_reporting", "roi"),
    "compensation.fct_crediting_events": ("credited_amount", "credited_measure"),
    "compensation.fct_commission_lines": ("measure_amount", "commission_amount", "accelerator_uplift_amount"),
    "compensation.fct_payout_ledger": ("amount",),
    "compensation.fct_commission_statements": (
        "earned_amount",
        "draw_amount",
        "draw_balance_amount",
        "net_payout_amount",
    ),
}


# The statistical forecast averages and takes square roots: DuckDB does it in doubles, PostgreSQL
# in exact decimals where it can, so a row can round a cent apart (a mean landing on a half cent).
# Its totals agree within a cent per row (a ten-thousandth per row for the error ratios).
NEAR_TOTALS = {
    "forecast.fct_forecast": ("forecast_p10", "forecast_p50", "forecast_p90", "expected_from_new"),
    "forecast.fct_forecast_accuracy": ("forecast_amount", "absolute_percentage_error"),
}


def _sql(table: str, columns: tuple[str, ...]) -> str:
    sums = ", ".join(f"sum({column})" for column in columns)
    return f"select count(*), {sums} from {table}"


@pytest.fixture(scope="module")
def postgres_database(postgres_dsn: str) -> Iterator[str]:
    with fresh_pg_database(postgres_dsn, "salesops_parity") as name:
        yield name


def _load(destination: object, workdir: Path, exports: Path) -> None:
    for name, dataset, source in (
        ("crm", "raw_salesforce", crm_exports(str(exports))),
        ("finance", "raw_finance", finance_exports(str(exports))),
        ("plans", "raw_plans", plan_files(str(exports / "plans"))),
    ):
        dlt.pipeline(
            pipeline_name=name,
            destination=destination,
            dataset_name=dataset,
            pipelines_dir=str(workdir / "dlt"),
        ).run(source)


def test_duckdb_and_postgres_build_identical_marts(
    demo_warehouse: Path, postgres_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DuckDB: the session's warehouse, which the pipeline built from its demo exports (copied: the
    # month closed below writes to it). PostgreSQL: the same exports, loaded and built by dbt.
    duck = tmp_path / "duckdb"
    duck.mkdir()
    shutil.copy(demo_warehouse / "warehouse.duckdb", duck / "warehouse.duckdb")

    pg = tmp_path / "postgres"
    pg.mkdir()
    _load(
        dlt.destinations.postgres(
            f"postgresql://postgres:unused-with-trust-auth@127.0.0.1:5432/{postgres_database}"
        ),
        pg,
        demo_warehouse / "demo",
    )
    dbt_build(
        pg,
        {"SALESOPS_TARGET": "postgres", "SALESOPS_PG_DATABASE": postgres_database},
        "--vars",
        DBT_VARS,
        unit_tests=True,  # every worked example on PostgreSQL too (the session's build: DuckDB)
    )

    with duckdb.connect(str(duck / "warehouse.duckdb"), read_only=True) as con:
        on_duckdb = {table: con.execute(_sql(table, cols)).fetchone() for table, cols in KEY_TOTALS.items()}
        near_duckdb = {t: con.execute(_sql(t, cols)).fetchone() for t, cols in NEAR_TOTALS.items()}
    with (
        psycopg2.connect(host="127.0.0.1", user="postgres", dbname=postgres_database) as con,
        con.cursor() as cur,
    ):
        on_postgres, near_postgres = {}, {}
        for table, cols in KEY_TOTALS.items():
            cur.execute(_sql(table, cols))
            on_postgres[table] = cur.fetchone()
        for table, cols in NEAR_TOTALS.items():
            cur.execute(_sql(table, cols))
            near_postgres[table] = cur.fetchone()

    def normal(row: tuple[object, ...]) -> tuple[object, ...]:
        return tuple(Decimal(str(v)) if v is not None else None for v in row)

    assert all(row[0] > 0 for row in on_duckdb.values()), on_duckdb
    assert {t: normal(r) for t, r in on_duckdb.items()} == {t: normal(r) for t, r in on_postgres.items()}
    for table, columns in NEAR_TOTALS.items():
        rows, *duckdb_totals = normal(near_duckdb[table])
        pg_rows, *pg_totals = normal(near_postgres[table])
        assert rows == pg_rows > 0, table
        for column, on_duck, on_pg in zip(columns, duckdb_totals, pg_totals, strict=True):
            per_row = Decimal("0.0001") if column.endswith("error") else Decimal("0.01")
            assert abs(on_duck - on_pg) <= rows * per_row, (table, column, on_duck, on_pg)

    # Close February and export its payroll on each engine: the same file, byte for byte.
    from orchestration import warehouse
    from orchestration.comp_periods import close_month, export_payroll
    from orchestration.serving.duckdb_publish import publish_duckdb
    from orchestration.serving.postgres_publish import publish_postgres
    from orchestration.serving.stores import COMPENSATION

    february = date(2026, 2, 1)
    files = {}
    monkeypatch.setenv("SALESOPS_SERVING_DIR", str(duck / "serving"))
    for engine, env in (
        ("duckdb", {"SALESOPS_TARGET": "duckdb", "SALESOPS_WAREHOUSE_PATH": str(duck / "warehouse.duckdb")}),
        ("postgres", {"SALESOPS_TARGET": "postgres", "SALESOPS_PG_DATABASE": postgres_database}),
    ):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        # What a run whose checks passed does before anyone may close or pay: publish.
        if engine == "duckdb":
            publish_duckdb(
                duck / "warehouse.duckdb", duck / "serving", COMPENSATION, "parity", datetime.now(UTC)
            )
        else:
            publish_postgres(warehouse.pg_params(), COMPENSATION, "parity", datetime.now(UTC))
        close_month(
            february, "parity-test", "February payroll", through=True, accept_exceptions="parity test"
        )
        files[engine] = export_payroll(february, tmp_path / engine / "payroll").read_bytes()
    assert files["duckdb"] == files["postgres"]
    assert files["duckdb"].count(b"\n") > 2  # the header and the reps paid in February
