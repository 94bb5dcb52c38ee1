"""Pipeline and quota marts on the tiny company (tests/tiny_company.py), against figures worked
out by hand below. As of 2025-06-30, so Q2 2025 is complete (elapsed share 1)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingestion.export_files import crm_exports, finance_exports
from ingestion.plans import plan_files
from tests.dbt_runner import dbt_build, dbt_command
from tests.raw_tables import duckdb_pipeline
from tests.tiny_company import AS_OF, write_tiny_company

Q2 = date(2025, 4, 1)
D = Decimal


@pytest.fixture(scope="module")
def marts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    workdir = tmp_path_factory.mktemp("tiny_company")
    write_tiny_company(workdir / "exports")
    duckdb_pipeline(workdir, "crm", "raw_salesforce").run(crm_exports(str(workdir / "exports")))
    duckdb_pipeline(workdir, "finance", "raw_finance").run(finance_exports(str(workdir / "exports")))
    duckdb_pipeline(workdir, "plans", "raw_plans").run(plan_files(str(workdir / "exports" / "plans")))
    dbt_build(
        workdir,
        {"SALESOPS_WAREHOUSE_PATH": str(workdir / "warehouse.duckdb"), "SALESOPS_AS_OF_DATE": str(AS_OF)},
        "--select", "+fct_pipeline_movement", "+fct_sales_metrics", "+fct_attainment_distribution",
    )  # fmt: skip
    connection = duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()


def _row(con: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> dict[str, Any]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    assert len(rows) == 1, rows
    return dict(zip(names, rows[0], strict=True))


def _waterfall(con: duckdb.DuckDBPyConnection, rep: str, scope: str = "closing_in_period") -> dict[str, Any]:
    return _row(
        con,
        "select * from pipeline.fct_pipeline_movement where period_grain = 'quarter' and period_start = ? "
        "and rep_id = ? and pipeline_scope = ?",
        Q2,
        rep,
        scope,
    )


def _bridge(con: duckdb.DuckDBPyConnection, where: str, *params: Any) -> list[tuple]:
    return con.execute(
        "select opportunity_id, rep_id, movement_bucket, movement_amount "
        f"from pipeline.fct_pipeline_movement_bridge where {where} "
        "order by opportunity_id, first_changed_on, movement_bucket",
        list(params),
    ).fetchall()


def test_q2_waterfall_of_r1_puts_each_change_in_its_bucket(marts: duckdb.DuckDBPyConnection) -> None:
    # closing_in_period. R1's Q2 pipeline at the start (end of 2025-03-31): open, owned by R1,
    # closing in Q2: O3 30,000 + O4 40,000 + O7 10,000 EUR x 1.20 = 12,000 + O9 8,000 = 90,000.
    # (O8 closed in Q3 then; O6 was R2's; O5 did not exist.)
    # Changes in Q2: O5 created 15,000 (04-10); O8 pulled in 50,000 (close 08-31 -> 06-10, 04-15);
    # O3 raised 30,000 -> 35,000 (04-20), then won at 35,000 (05-15); O9 removed 8,000 (04-25);
    # O4 pushed out 40,000 (close 06-15 -> 08-15, 05-01); O6 transferred in 25,000 (R2 -> R1,
    # 05-05); O7 decreased 10,000 -> 9,000 EUR (05-20): at the start rate -1,000 x 1.20 = -1,200.
    # End: O5 15,000 + O6 25,000 + O7 9,000 x 1.25 = 11,250 + O8 50,000 = 101,250.
    # 90,000 + 15,000 + 50,000 + 25,000 + 5,000 - 1,200 - 40,000 - 35,000 - 8,000 = 100,800;
    # FX: O7's 9,000 EUR x (1.25 - 1.20) = +450 -> 101,250. Seven deals moved.
    waterfall = _waterfall(marts, "R1")
    expected = {
        "open_at_start": D("90000.00"), "created": D("15000.00"), "reopened": D("0.00"),
        "pulled_in": D("50000.00"), "transferred_in": D("25000.00"), "increased": D("5000.00"),
        "decreased": D("1200.00"), "pushed_out": D("40000.00"), "transferred_out": D("0.00"),
        "won": D("35000.00"), "lost": D("0.00"), "removed": D("8000.00"),
        "fx_revaluation": D("450.00"), "open_at_end": D("101250.00"), "opportunity_count": 7,
        "team_id": "T1", "region": "NA",
    }  # fmt: skip
    assert {k: waterfall[k] for k in expected} == expected
    where = "period_grain = 'quarter' and period_start = ? and rep_id = 'R1' and pipeline_scope = ?"
    assert _bridge(marts, where, Q2, "closing_in_period") == [
        ("O3", "R1", "increased", D("5000.00")), ("O3", "R1", "won", D("-35000.00")),
        ("O4", "R1", "pushed_out", D("-40000.00")), ("O5", "R1", "created", D("15000.00")),
        ("O6", "R1", "transferred_in", D("25000.00")), ("O7", "R1", "decreased", D("-1200.00")),
        ("O8", "R1", "pulled_in", D("50000.00")), ("O9", "R1", "removed", D("-8000.00")),
    ]  # fmt: skip


def test_q2_waterfall_of_r1_over_all_open_deals_ignores_close_dates(marts: duckdb.DuckDBPyConnection) -> None:
    # all_open. Start: every open R1 deal on 2025-03-31, whatever its close date: O3 30,000 +
    # O4 40,000 + O7 12,000 + O8 50,000 + O9 8,000 = 140,000. O4's and O8's close-date moves
    # change nothing. 140,000 + created 15,000 + transferred in 25,000 + increased 5,000 -
    # decreased 1,200 - won 35,000 - removed 8,000 = 140,800, + FX 450 = 141,250 = O4 40,000 +
    # O5 15,000 + O6 25,000 + O7 11,250 + O8 50,000. Five deals moved (O3, O5, O6, O7, O9).
    waterfall = _waterfall(marts, "R1", "all_open")
    expected = {
        "open_at_start": D("140000.00"), "created": D("15000.00"), "pulled_in": D("0.00"),
        "transferred_in": D("25000.00"), "increased": D("5000.00"), "decreased": D("1200.00"),
        "pushed_out": D("0.00"), "won": D("35000.00"), "removed": D("8000.00"),
        "fx_revaluation": D("450.00"), "open_at_end": D("141250.00"), "opportunity_count": 5,
    }  # fmt: skip
    assert {k: waterfall[k] for k in expected} == expected


def test_q2_waterfall_of_r2_shows_the_transfer_out(marts: duckdb.DuckDBPyConnection) -> None:
    # R2 held O6 (25,000, closing 06-30) at the start and lost it to R1 on 05-05.
    waterfall = _waterfall(marts, "R2")
    assert (waterfall["open_at_start"], waterfall["transferred_out"], waterfall["open_at_end"]) == (
        D("25000.00"),
        D("25000.00"),
        D("0.00"),
    )


def test_a_deal_created_and_won_inside_a_period_shows_in_it(marts: duckdb.DuckDBPyConnection) -> None:
    # O10 (R3's, 20,000, closing 06-30) was created on 04-01 and won on 06-10: inside Q2, so in
    # R3's Q2 waterfall both ways; in June (month grain) it was already in the pipeline for June
    # at the start, so June shows only the win.
    where = "opportunity_id = 'O10' and period_grain = ? and pipeline_scope = 'closing_in_period'"
    assert _bridge(marts, where, "quarter") == [
        ("O10", "R3", "created", D("20000.00")),
        ("O10", "R3", "won", D("-20000.00")),
    ]
    assert _bridge(marts, where, "month") == [("O10", "R3", "won", D("-20000.00"))]
    r3 = _waterfall(marts, "R3")
    # R3: O10 created 20,000 and won; O11 created 12,000 (04-05) and lost (06-01): start 0, end 0.
    assert (r3["open_at_start"], r3["created"], r3["won"], r3["lost"], r3["open_at_end"]) == (
        D("0.00"), D("32000.00"), D("20000.00"), D("12000.00"), D("0.00")
    )  # fmt: skip


def test_attainment_applies_the_split_and_adds_reps_into_teams(marts: duckdb.DuckDBPyConnection) -> None:
    # Q2 bookings: R1 O3 35,000; R2 40 % of O10 = 8,000; R3 60 % of O10 = 12,000.
    # R1 35,000 / 100,000 = 35.00 %; R2 8,000 / 80,000 = 10.00 %; R3 12,000 / 50,000 = 24.00 %.
    # Team T1 = R1 + R2: 43,000 / 180,000 = 23.888... -> 23.89 %. Region NA = T1.
    # Year 2025 to date for R1: quota 100,000 + 100,000; bookings O1 10,000 + O3 35,000 = 22.50 %.
    def attainment(grain: str, start: date, level: str, member: str) -> tuple[Decimal, Decimal, Decimal]:
        row = _row(
            marts,
            "select quota_amount, bookings_credited, attainment_pct from quota.fct_quota_attainment "
            "where period_grain = ? and period_start = ? and attainment_level = ? and member_id = ?",
            grain, start, level, member,
        )  # fmt: skip
        return row["quota_amount"], row["bookings_credited"], row["attainment_pct"]

    assert attainment("quarter", Q2, "rep", "R1") == (D("100000.00"), D("35000.00"), D("35.00"))
    assert attainment("quarter", Q2, "rep", "R2") == (D("80000.00"), D("8000.00"), D("10.00"))
    assert attainment("quarter", Q2, "rep", "R3") == (D("50000.00"), D("12000.00"), D("24.00"))
    assert attainment("quarter", Q2, "team", "T1") == (D("180000.00"), D("43000.00"), D("23.89"))
    assert attainment("quarter", Q2, "region", "NA") == (D("180000.00"), D("43000.00"), D("23.89"))
    assert attainment("year", date(2025, 1, 1), "rep", "R1") == (D("200000.00"), D("45000.00"), D("22.50"))
    # Months share the quarter's quota by days: April 100,000 x 30/91 = 32,967.03; May x 31/91 =
    # 34,065.93; June takes the rest, 32,967.04. May's bookings are O3's 35,000: 102.74 %.
    assert attainment("month", date(2025, 4, 1), "rep", "R1")[0] == D("32967.03")
    assert attainment("month", date(2025, 5, 1), "rep", "R1") == (D("34065.93"), D("35000.00"), D("102.74"))
    assert attainment("month", date(2025, 6, 1), "rep", "R1")[0] == D("32967.04")


def test_attainment_rolls_up_each_managers_chain_as_the_org_was_each_month(
    marts: duckdb.DuckDBPyConnection,
) -> None:
    # R3 reports to M1 until 2025-05-15, then to M2; M1 and M2 report to V1. R3's Q2 quota by
    # month: April 50,000 x 30/91 = 16,483.52, May x 31/91 = 17,032.97, June the rest 16,483.51.
    # M1, Q2: R1 (100,000; 35,000) + R2 (80,000; 8,000) + R3's April (16,483.52; 0) = 196,483.52
    # and 43,000: 21.88 %. M2, Q2: R3's May and June = 33,516.48 and O10's 12,000 (June): 35.80 %.
    # V1, Q2: everyone, 230,000 and 55,000: 23.91 %. M1, Q1: everyone (R3 still below M1):
    # 230,000 and O1 10,000 + O12 30,000 = 40,000: 17.39 %.
    def manager(grain: str, start: date, member: str) -> tuple[Any, ...]:
        row = _row(
            marts,
            "select quota_amount, bookings_credited, attainment_pct, rep_count, member_name "
            "from quota.fct_quota_attainment "
            "where period_grain = ? and period_start = ? and attainment_level = 'manager' and member_id = ?",
            grain, start, member,
        )  # fmt: skip
        return tuple(row.values())

    assert manager("quarter", Q2, "M1") == (D("196483.52"), D("43000.00"), D("21.88"), 3, "Max Manager")
    assert manager("quarter", Q2, "M2") == (D("33516.48"), D("12000.00"), D("35.80"), 1, "Nia Manager")
    assert manager("quarter", Q2, "V1") == (D("230000.00"), D("55000.00"), D("23.91"), 3, "Val Leader")
    assert manager("quarter", date(2025, 1, 1), "M1") == (
        D("230000.00"),
        D("40000.00"),
        D("17.39"),
        3,
        "Max Manager",
    )
    # Reps manage nobody: no manager rows for them.
    managers = marts.execute(
        "select distinct member_id from quota.fct_quota_attainment "
        "where attainment_level = 'manager' order by 1"
    ).fetchall()
    assert managers == [("M1",), ("M2",), ("V1",)]


def test_forecast_and_distribution(marts: duckdb.DuckDBPyConnection) -> None:
    # R1's open deals closing in Q2 on 06-30: O7 (Commit) 9,000 EUR x 1.25 = 11,250; O6
    # (Best Case, 60 %) 25,000 x 0.6 = 15,000; O5, O8 are Pipeline. Forecast = 35,000 + 11,250 +
    # 15,000 = 61,250 -> 61.25 % of 100,000. Pacing = attainment (the quarter is over).
    row = _row(
        marts,
        "select * from quota.fct_quota_attainment where period_grain = 'quarter' and period_start = ? "
        "and attainment_level = 'rep' and member_id = 'R1'",
        Q2,
    )
    assert (row["commit_amount"], row["best_case_weighted_amount"], row["forecast_amount"]) == (
        D("11250.00"), D("15000.00"), D("61250.00"),
    )  # fmt: skip
    assert (row["forecast_attainment_pct"], row["elapsed_share"], row["pacing_pct"]) == (
        D("61.25"), D("1.000000"), D("35.00"),
    )  # fmt: skip
    # Q2 attainment of the three reps: 35 %, 10 %, 24 % -> all in the 0-50 % band, none at quota.
    bands = marts.execute(
        "select band_label, rep_count, share_of_reps_pct, share_at_or_above_quota_pct "
        "from quota.fct_attainment_distribution where period_grain = 'quarter' and period_start = ? "
        "order by band_order",
        [Q2],
    ).fetchall()
    assert bands[0] == ("0-50 %", 3, D("100.00"), D("0.00"))
    assert sum(count for _, count, _, _ in bands) == 3


def test_sales_metrics_of_q2(marts: duckdb.DuckDBPyConnection) -> None:
    def metrics(level: str, member: str) -> dict[str, Any]:
        return _row(
            marts,
            "select * from pipeline.fct_sales_metrics where period_grain = 'quarter' and period_start = ? "
            "and metric_level = ? and member_id = ?",
            Q2, level, member,
        )  # fmt: skip

    # R3 closed O10 won (20,000) and O11 lost (12,000): win rate 1/2 = 50.00 % by count,
    # 20,000 / 32,000 = 62.50 % by value. Cycle: O10 created 04-01, won 06-10 = 70 days.
    r3 = metrics("rep", "R3")
    assert (r3["won_deal_count"], r3["lost_deal_count"], r3["win_rate_by_count_pct"]) == (1, 1, D("50.00"))
    assert (r3["win_rate_by_value_pct"], r3["sales_cycle_days"], r3["average_deal_size"]) == (
        D("62.50"), D("70.00"), D("20000.00"),
    )  # fmt: skip
    # R1 won O3 (35,000), lost nothing: 100 %. Cycle: 02-01 -> 05-15 = 27 + 31 + 30 + 15 = 103 days.
    # Open deals on 06-30: O4, O5, O6, O7, O8 = 5. Velocity = 5 x 35,000 x 100 % / 103 days
    # = 1,699.029... -> 1,699.03 per day. Open pipeline = 40,000 + 15,000 + 25,000 + 11,250 +
    # 50,000 = 141,250; closing in Q2 (all but O4) = 101,250. Coverage = 101,250 / (100,000 -
    # 35,000) = 1.5576... -> 1.56. Slippage = O4's 40,000 pushed out.
    r1 = metrics("rep", "R1")
    assert (r1["won_deal_count"], r1["win_rate_by_count_pct"], r1["sales_cycle_days"]) == (
        1,
        D("100.00"),
        D("103.00"),
    )
    assert (r1["open_deal_count"], r1["open_pipeline_amount"], r1["pipeline_due_in_period_amount"]) == (
        5, D("141250.00"), D("101250.00"),
    )  # fmt: skip
    assert (r1["sales_velocity_per_day"], r1["pipeline_coverage_ratio"], r1["slipped_amount"]) == (
        D("1699.03"), D("1.56"), D("40000.00"),
    )  # fmt: skip
    # Weighted pipeline: O4 40,000 x 40 % + O5 15,000 x 10 % + O6 25,000 x 60 % + O7 11,250 x
    # 80 % + O8 50,000 x 20 % = 16,000 + 1,500 + 15,000 + 9,000 + 10,000 = 51,500.
    assert r1["weighted_pipeline_amount"] == D("51500.00")
    # Team T1 in Q2: won O3 (R1); R2 closed nothing -> 1 won, 0 lost.
    t1 = metrics("team", "T1")
    assert (t1["won_deal_count"], t1["lost_deal_count"], t1["won_amount"]) == (1, 0, D("35000.00"))
    # Managers (R3 below M1 until 2025-05-15, then M2; M1 and M2 below V1). M1's Q2 closed deals
    # are R1's O3 (won 35,000 in May); R3's O10 (won 06-10) and O11 (lost 06-01) close under M2.
    # Open on 06-30: R1's five deals (141,250), under M1 and V1. Slippage: R1's O4, 40,000. M1's
    # quota and credited bookings are its attainment's: 196,483.52 and 43,000.
    m1 = metrics("manager", "M1")
    assert (m1["won_deal_count"], m1["lost_deal_count"], m1["won_amount"]) == (1, 0, D("35000.00"))
    assert (m1["open_deal_count"], m1["open_pipeline_amount"], m1["slipped_amount"]) == (
        5, D("141250.00"), D("40000.00"),
    )  # fmt: skip
    assert (m1["quota_amount"], m1["bookings_credited"]) == (D("196483.52"), D("43000.00"))
    m2 = metrics("manager", "M2")
    assert (m2["won_deal_count"], m2["lost_deal_count"], m2["won_amount"], m2["win_rate_by_count_pct"]) == (
        1, 1, D("20000.00"), D("50.00"),
    )  # fmt: skip
    assert (m2["open_deal_count"], m2["slipped_amount"]) == (0, D("0.00"))
    v1 = metrics("manager", "V1")
    assert (v1["won_deal_count"], v1["lost_deal_count"], v1["won_amount"]) == (2, 1, D("55000.00"))
    assert (v1["open_pipeline_amount"], v1["slipped_amount"]) == (D("141250.00"), D("40000.00"))


INCREMENTAL_STEP = "2025-05-31"  # the facts are built to here, then incrementally to AS_OF


@pytest.fixture(scope="module")
def incremental_facts(
    marts: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    """The module's warehouse with the daily snapshots, the movement bridge and the waterfall
    built up to INCREMENTAL_STEP and then incrementally to the as-of date: (its folder, dbt's
    environment)."""
    (source,) = marts.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    workdir = tmp_path_factory.mktemp("facts_incremental")
    shutil.copyfile(source, workdir / "warehouse.duckdb")
    env = {"SALESOPS_WAREHOUSE_PATH": str(workdir / "warehouse.duckdb"), "SALESOPS_AS_OF_DATE": str(AS_OF)}
    only_models = (
        "--select", "+fct_pipeline_snapshots", "+fct_pipeline_movement_bridge", "fct_pipeline_movement",
        "--exclude-resource-type", "test", "unit_test",
    )  # fmt: skip
    dbt_build(workdir, env | {"SALESOPS_AS_OF_DATE": INCREMENTAL_STEP}, *only_models, "--full-refresh")
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select max(snapshot_date) from pipeline.fct_pipeline_snapshots").fetchone() == (
            date.fromisoformat(INCREMENTAL_STEP),
        )
        # The bridge and the waterfall then measured May up to the 31st and no later period.
        for fact in ("fct_pipeline_movement_bridge", "fct_pipeline_movement"):
            assert con.execute(f"select max(period_start) from pipeline.{fact}").fetchone() <= (
                date.fromisoformat(INCREMENTAL_STEP),
            )
    dbt_build(workdir, env, *only_models)
    return workdir, env


def test_incremental_facts_built_in_two_steps_equal_a_full_refresh(
    marts: duckdb.DuckDBPyConnection, incremental_facts: tuple[Path, dict[str, str]]
) -> None:
    """The daily snapshots, the movement bridge and the waterfall built up to 2025-05-31 and then
    incrementally to the as-of date hold the same rows as the module's full build to the as-of
    date (the tiny company sends no late data)."""
    workdir, _ = incremental_facts
    facts = {
        "fct_pipeline_snapshots": "snapshot_date, opportunity_id",
        "fct_pipeline_movement_bridge": "period_grain, period_start, pipeline_scope, rep_id, "
        "opportunity_id, movement_bucket",
        "fct_pipeline_movement": "period_grain, period_start, pipeline_scope, rep_id",
    }
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        for table, order in facts.items():
            query = f"select * from pipeline.{table} order by {order}"
            incremental, full = con.execute(query).fetchall(), marts.execute(query).fetchall()
            # The tiny company's waterfall has 98 rows; the other facts several hundred.
            assert len(full) > 50 and incremental == full, table


def test_an_incremental_builds_tests_read_the_days_it_rebuilt(
    incremental_facts: tuple[Path, dict[str, str]],
) -> None:
    """After a build on 2025-05-31, the tests of the daily snapshots (7 days' lookback) read from
    2025-05-24 on: a duplicate day older than that is not read (the earlier build's tests passed on
    those rows), one inside is caught; without the last build's day (the orchestration gives it
    only to a build that continues one) they read the whole table."""
    workdir, env = incremental_facts
    warehouse = workdir / "warehouse.duckdb"
    test_snapshots = ("test", "--select", "fct_pipeline_snapshots")
    continuing = env | {"SALESOPS_LAST_BUILD_AS_OF": INCREMENTAL_STEP}
    duplicate = "unique_combination_fct_pipeline_snapshots"

    def duplicate_a_row_of(day: str) -> None:
        with duckdb.connect(str(warehouse)) as con:
            inserted = con.execute(
                "insert into pipeline.fct_pipeline_snapshots select * from pipeline.fct_pipeline_snapshots "
                "where snapshot_date = ? limit 1",
                [day],
            ).fetchone()
        assert inserted == (1,)

    duplicate_a_row_of("2025-05-23")
    assert dbt_command(workdir, continuing, *test_snapshots).returncode == 0
    whole = dbt_command(workdir, env, *test_snapshots)
    assert whole.returncode != 0 and f"FAIL 1 {duplicate}" in whole.stdout, whole.stdout[-3000:]
    duplicate_a_row_of("2025-05-24")
    window = dbt_command(workdir, continuing, *test_snapshots)
    assert window.returncode != 0 and f"FAIL 1 {duplicate}" in window.stdout, window.stdout[-3000:]
