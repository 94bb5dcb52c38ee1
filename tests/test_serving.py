"""What the full run published for BI on DuckDB: every mart, stamped with the run, compensation
apart, and no contact email or phone anywhere in a mart or a serving table."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from orchestration.summary import MART_SCHEMAS, table_row_counts


def _tables(connection: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> list[tuple[str, str]]:
    return connection.execute(
        "select schema_name, table_name from duckdb_tables() where schema_name in (select unnest(?))",
        [list(schemas)],
    ).fetchall()


@pytest.fixture(scope="module")
def serving(demo_warehouse: Path) -> dict[str, duckdb.DuckDBPyConnection]:
    stores = {
        name: duckdb.connect(str(demo_warehouse / "serving" / f"{name}.duckdb"), read_only=True)
        for name in ("marts", "finance")
    }
    yield stores
    for connection in stores.values():
        connection.close()


def _published(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return connection.execute(
        "select schema_name, table_name from duckdb_tables() order by schema_name, table_name"
    ).fetchall()


def test_every_mart_is_published_in_its_schema_once_with_its_run(
    serving: dict[str, duckdb.DuckDBPyConnection],
) -> None:
    expected = table_row_counts(MART_SCHEMAS)
    assert {name.split(".")[0] for name in expected} == {
        "core",
        "pipeline",
        "quota",
        "compensation",
        "marketing",
        "crm_health",
        "forecast",
    }
    # Everyone's file: pipeline, quota and the dimensions; finance's: compensation, acquisition cost
    # (commission expense by region) and the dimensions.
    layout = {store: {s for s, _ in _published(connection)} for store, connection in serving.items()}
    assert layout == {
        "marts": {"core", "pipeline", "quota", "crm_health", "forecast"},
        "finance": {"compensation", "marketing", "core"},
    }
    published = {f"{s}.{t}" for connection in serving.values() for s, t in _published(connection)}
    assert published == set(expected)
    run_ids = set()
    for connection in serving.values():
        for schema, table in _published(connection):
            rows, ids, stamped = connection.execute(
                f'select count(*), count(distinct _run_id), min(_published_at) from "{schema}"."{table}"'
            ).fetchone()
            assert rows == expected[f"{schema}.{table}"], table
            # Every row carries the run (an empty table, e.g. no exceptions, has none to carry).
            assert ids == (1 if rows else 0) and (stamped is not None or not rows)
            run_ids |= {
                r[0]
                for r in connection.execute(f'select distinct _run_id from "{schema}"."{table}"').fetchall()
            }
    assert len(run_ids) == 1
    # Pay is published apart from what every BI user reads.
    assert not {t for s, t in _published(serving["marts"]) if s == "compensation" or "commission" in t}


def test_every_published_table_and_column_carries_its_description(
    demo_warehouse: Path, serving: dict[str, duckdb.DuckDBPyConnection]
) -> None:
    with duckdb.connect(str(demo_warehouse / "warehouse.duckdb"), read_only=True) as warehouse:
        (documented,) = warehouse.execute(
            "select comment from duckdb_columns() where schema_name = 'core' and table_name = 'dim_reps' "
            "and column_name = 'rep_name'"
        ).fetchone()
    assert "unique" in documented
    for connection in serving.values():
        undescribed_tables = connection.execute(
            "select table_name from duckdb_tables() where not internal and coalesce(comment, '') = ''"
        ).fetchall()
        undescribed_columns = connection.execute(
            "select table_name, column_name from duckdb_columns() "
            "where not internal and coalesce(comment, '') = ''"
        ).fetchall()
        assert undescribed_tables == [] and undescribed_columns == []
    (published,) = (
        serving["marts"]
        .execute(
            "select comment from duckdb_columns() where schema_name = 'core' and table_name = 'dim_reps' "
            "and column_name = 'rep_name'"
        )
        .fetchone()
    )
    assert published == documented.strip()


def test_no_contact_email_or_phone_reaches_a_mart_or_a_serving_table(
    demo_warehouse: Path, serving: dict[str, duckdb.DuckDBPyConnection]
) -> None:
    exported = str(demo_warehouse / "demo" / "crm" / "Contact" / "*.csv")
    with duckdb.connect() as files:
        pii = {
            value.lower()
            for (value,) in files.execute(
                f"select Email from read_csv('{exported}', all_varchar = true) where Email is not null "
                f"union select Phone from read_csv('{exported}', all_varchar = true) where Phone is not null"
            ).fetchall()
        }
    assert len(pii) > 100
    with duckdb.connect(str(demo_warehouse / "warehouse.duckdb"), read_only=True) as warehouse:
        # Hashed on arrival: not even raw (nor its rejected rows) holds a clear email or phone.
        raw_contacts = [("raw_salesforce", t) for t in ("contact", "contact__rejected")]
        places = [(warehouse, s, t) for s, t in [*raw_contacts, *_tables(warehouse, MART_SCHEMAS)]]
        places += [(c, s, t) for c in serving.values() for s, t in _published(c)]
        found = []
        for connection, schema, table in places:
            text_columns = [
                name
                for name, kind in connection.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = ? and table_name = ?",
                    [schema, table],
                ).fetchall()
                if kind == "VARCHAR"
            ]
            for column in text_columns:
                hits = connection.execute(
                    f'select count(*) from "{schema}"."{table}" where list_contains(?, lower("{column}"))',
                    [sorted(pii)],
                ).fetchone()[0]
                if hits:
                    found.append(f"{schema}.{table}.{column}")
        assert found == []


def test_no_secret_is_in_any_file_dbt_or_the_run_wrote(demo_warehouse: Path) -> None:
    """dbt's target/ and logs (manifest, compiled SQL, run results) and everything the run wrote
    (warehouse, serving files, Dagster's logs, dlt's state) never hold the PII salt or the API
    secrets the environment carried."""
    from orchestration import settings
    from tests.conftest import SESSION_FAKE_SECRETS, SESSION_PII_SALT

    roots = [settings.DBT_PROJECT_DIR / "target", settings.DBT_PROJECT_DIR / "logs", demo_warehouse]
    files = [path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()]
    assert any(path.suffix == ".sql" for path in files) and len(files) > 100
    secrets = [SESSION_PII_SALT.encode(), *(value.encode() for value in SESSION_FAKE_SECRETS.values())]
    holding = [str(path) for path in files if any(secret in path.read_bytes() for secret in secrets)]
    assert holding == []


def test_the_publication_shows_key_totals_and_charts_to_a_manager(demo_warehouse: Path) -> None:
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["serving", "marts"]))
    metadata = event.asset_materialization.metadata
    with duckdb.connect(str(demo_warehouse / "warehouse.duckdb"), read_only=True) as warehouse:
        won, open_amount = warehouse.execute(
            "select sum(amount_reporting) filter (where stage_name = 'Closed Won'), "
            "sum(amount_reporting) filter (where not is_won and not is_lost) from pipeline.fct_opportunities"
        ).fetchone()
    assert metadata["bookings_won"].value == pytest.approx(float(won), abs=0.005)
    assert metadata["open_pipeline"].value == pytest.approx(float(open_amount), abs=0.005)
    # Read by a person: with the currency and thousands separators.
    assert f"| bookings won | {won:,.2f} USD |" in metadata["key_totals"].value
    charts = metadata["charts"].value
    assert "Pipeline waterfall" in charts and "Attainment distribution" in charts
    assert "Forecast for the quarter of" in charts and "Forecast accuracy by week" in charts
    assert charts.count("data:image/png;base64,") == 4


def test_each_marts_materialization_shows_its_rows_preview_totals_and_chart(demo_warehouse: Path) -> None:
    import dagster as dg

    counts = table_row_counts(MART_SCHEMAS)
    with dg.DagsterInstance.get() as instance:
        latest = {
            name: instance.fetch_materializations(dg.AssetKey(name.split(".")), limit=1)
            .records[0]
            .asset_materialization.metadata
            for name in (
                "pipeline.fct_opportunities",
                "pipeline.fct_pipeline_movement",
                "quota.fct_quota_attainment",
                "compensation.fct_commission_statements",
                "marketing.fct_lead_funnel",
                "marketing.fct_campaign_performance",
                "forecast.fct_forecast",
                "forecast.fct_forecast_accuracy",
            )
        }
    for name, metadata in latest.items():
        assert metadata["dagster/row_count"].value == counts[name]
        assert metadata["preview"].value.count("\n") == 6  # header, rule and five rows
    opportunities = latest["pipeline.fct_opportunities"]
    assert opportunities["preview"].value.startswith("| opportunity_id |")
    with duckdb.connect(str(demo_warehouse / "warehouse.duckdb"), read_only=True) as connection:
        (open_amount,) = connection.execute(
            "select sum(amount_reporting) from pipeline.fct_opportunities where not is_won and not is_lost"
        ).fetchone()
        (payouts,) = connection.execute(
            "select sum(payout_amount) from compensation.fct_commission_statements"
        ).fetchone()
    assert opportunities["open_pipeline"].value == pytest.approx(float(open_amount), abs=0.005)
    assert latest["compensation.fct_commission_statements"]["payouts"].value == pytest.approx(
        float(payouts), abs=0.005
    )
    # Payouts per currency (the demo pays in USD only), never one sum across currencies.
    assert (
        f"| payouts | {payouts:,.2f} USD |"
        in latest["compensation.fct_commission_statements"]["key_totals"].value
    )
    assert "data:image/png;base64," in latest["pipeline.fct_pipeline_movement"]["chart"].value
    assert "Lead funnel, cohort of the quarter of" in latest["marketing.fct_lead_funnel"]["chart"].value
    assert "Campaign ROI by type" in latest["marketing.fct_campaign_performance"]["chart"].value
    assert "Forecast for the quarter of" in latest["forecast.fct_forecast"]["chart"].value
    assert "Forecast accuracy by week" in latest["forecast.fct_forecast_accuracy"]["chart"].value


def readme_day_one_queries() -> list[tuple[str, str]]:
    """(serving file, query) of each SQL block of the README's "Reading the marts from BI"."""
    from orchestration import settings

    readme = (settings.PROJECT_ROOT / "README.md").read_text()
    section = readme.split("## Reading the marts from BI")[1].split("\n## ")[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, re.S)
    return [(block.split(":", 1)[0].removeprefix("-- ").removesuffix(".duckdb"), block) for block in blocks]


def test_the_readmes_day_one_questions_run_against_the_serving_store(
    demo_warehouse: Path, serving: dict[str, duckdb.DuckDBPyConnection]
) -> None:
    """Each README query runs as written on the store it names; three are checked against the
    facts (as of 2026-06-30: last quarter is 2026 Q1, next quarter 2026 Q3, last month May 2026)."""
    queries = readme_day_one_queries()
    assert [store for store, _ in queries] == ["marts"] * 7 + ["finance"] * 5
    answers = []
    rep_parameters: dict[str, str] = {}
    for store, query in queries:
        parameters = None
        if "$rep_name" in query:
            (rep,) = (
                serving[store]
                .execute(
                    "select reps.rep_name from compensation.fct_commission_lines as lines "
                    "join core.dim_reps as reps using (user_id) where lines.commission_month = '2026-05-01' "
                    "group by 1 order by sum(lines.commission_amount) desc limit 1"
                )
                .fetchone()
            )
            parameters = rep_parameters = {"rep_name": rep}
        cursor = serving[store].execute(query, parameters)
        columns = [column[0] for column in cursor.description]
        answers.append([dict(zip(columns, row, strict=True)) for row in cursor.fetchall()])
    bookings_by_region, win_rates, coverage, above_quota, activity, hygiene, accuracy, *rest = answers
    earnings, acquisition, *marketing = rest
    assert all(answers), "every day-one question has an answer on the demo"
    (won_in_q1,) = (
        serving["marts"]
        .execute(
            "select sum(amount_reporting) from pipeline.fct_opportunities "
            "where is_won and close_date between '2026-01-01' and '2026-03-31'"
        )
        .fetchone()
    )
    assert sum(row["bookings"] for row in bookings_by_region) == won_in_q1
    assert len({row["rep_name"] for row in win_rates}) == len(win_rates)
    assert all(row["attainment_pct"] >= 100 for row in above_quota)
    (lines_total,) = (
        serving["finance"]
        .execute(
            "select sum(commission_amount) from compensation.fct_commission_lines as lines "
            "join core.dim_reps as reps using (user_id) "
            "where lines.commission_month = '2026-05-01' and reps.rep_name = ?",
            [rep_parameters["rep_name"]],
        )
        .fetchone()
    )
    assert {row["commission_month"].isoformat() for row in earnings} == {"2026-05-01"}
    assert sum(row["commission_amount"] for row in earnings) == lines_total
    assert all(row["opportunity_name"] for row in earnings)  # the why: each line names its deal
    # CAC in 2026 Q1: the accounts whose first won deal is new business and closed in it, and the
    # quarter's cost over them.
    (new_in_q1,) = (
        serving["finance"]
        .execute(
            "select count(*) from (select account_id, opportunity_type, close_date, row_number() over "
            "(partition by account_id order by close_date, opportunity_id) as n from core.dim_opportunities "
            "where is_won) where n = 1 and opportunity_type = 'New Business' "
            "and close_date between '2026-01-01' and '2026-03-31'"
        )
        .fetchone()
    )
    (q1,) = [
        row
        for row in acquisition
        if row["region"] == "All" and row["period_start"].isoformat() == "2026-01-01"
    ]
    assert new_in_q1 > 0 and q1["new_customers"] == new_in_q1
    assert q1["cac_reporting"] == round(q1["total_cost_reporting"] / new_in_q1, 2)
    regions = [
        row for row in acquisition if row["region"] != "All" and row["period_start"] == q1["period_start"]
    ]
    assert sum(row["new_customers"] for row in regions) == new_in_q1
    _check_marketing_answers(serving["finance"], *marketing)
    # Hygiene: every broken rule of the week (of a deal in a team) is listed once under its team,
    # worst team first.
    (broken,) = (
        serving["marts"]
        .execute(
            "select count(*) from crm_health.fct_opportunity_hygiene where rule_status = 'violated' "
            "and team_id is not null "
            "and week_start = (select max(week_start) from crm_health.fct_opportunity_hygiene)"
        )
        .fetchone()
    )
    assert broken > 0 and len(hygiene) == broken
    scores = [row["health_score"] for row in hygiene]
    assert scores == sorted(scores)
    # The back-test: every week of the quarter has each method's error, from the finished quarters
    # after the first two (as of 2026-06-30: 2024 Q3 to 2026 Q1).
    assert [row["week_of_quarter"] for row in accuracy][:13] == list(range(1, 14))
    assert all(row["quarters"] == 7 for row in accuracy[:13])
    assert all(row["statistical"] >= 0 and row["weighted_pipeline"] >= 0 for row in accuracy)
    # Rep activity in May 2026: every activity of the month is some rep's.
    (may_activities,) = (
        serving["marts"]
        .execute(
            "select sum(activities) from pipeline.fct_rep_activity "
            "where period_grain = 'month' and period_start = '2026-05-01'"
        )
        .fetchone()
    )
    assert sum(row["activities"] for row in activity) == may_activities > 0
    assert all(row["stale_open_opportunities"] <= row["open_opportunities"] for row in activity)
    # Next quarter (2026 Q3): the quota the plan files set ahead, and the open pipeline due in it
    # on the as-of date.
    (due_in_q3,) = (
        serving["marts"]
        .execute(
            "select sum(amount_reporting) from pipeline.fct_pipeline_snapshots "
            "where snapshot_date = '2026-06-30' and close_date between '2026-07-01' and '2026-09-30' "
            "and team_id is not null"
        )
        .fetchone()
    )
    assert sum(row["pipeline_due_in_period_amount"] for row in coverage) == due_in_q3
    # The teams' quotas are the plan file's Q3 quotas (the demo's are in the reporting currency).
    quotas_file = demo_warehouse / "demo" / "plans" / "quotas.csv"
    with duckdb.connect() as files:
        (q3_quota,) = files.execute(
            f"select sum(cast(quota_amount as decimal(18, 2))) from read_csv('{quotas_file}') "
            "where period_start = '2026-07-01'"
        ).fetchone()
    assert q3_quota > 0 and sum(row["quota_amount"] for row in coverage) == q3_quota
    for row in coverage:
        assert row["quota_amount"] > 0
        assert row["pipeline_coverage_ratio"] == round(
            row["pipeline_due_in_period_amount"] / row["quota_amount"], 2
        )


def _check_marketing_answers(
    finance: duckdb.DuckDBPyConnection, funnel: list[dict], roi: list[dict], attribution: list[dict]
) -> None:
    """The README's funnel, ROI and attribution answers (as of 2026-06-30), against the marts."""
    # Funnel: each stage within the one before, and each quarter's leads are its months' leads.
    assert all(r["leads"] >= r["mqls"] >= r["sqls"] >= r["opportunities"] >= r["won"] for r in funnel)
    assert {r["period_start"].isoformat() for r in funnel} >= {"2025-10-01", "2026-01-01", "2026-04-01"}
    (q1_months,) = finance.execute(
        "select sum(leads_created) from marketing.fct_lead_funnel where period_grain = 'month' "
        "and period_start between '2026-01-01' and '2026-03-01'"
    ).fetchone()
    assert sum(r["leads"] for r in funnel if r["period_start"].isoformat() == "2026-01-01") == q1_months
    # ROI: one cost per campaign type whatever the model; the models split the same won amount.
    by_type: dict[str, list[dict]] = {}
    for row in roi:
        by_type.setdefault(row["campaign_type"], []).append(row)
    assert len(by_type) == 5 and all(len(rows) == 5 for rows in by_type.values())
    for rows in by_type.values():
        assert len({r["cost"] for r in rows}) == 1
        for r in rows:
            assert abs(r["roi"] - float((r["won_attributed"] - r["cost"]) / r["cost"])) <= 0.005
    won_by_model = {
        model: sum(r["won_attributed"] for r in roi if r["attribution_model"] == model)
        for model in {r["attribution_model"] for r in roi}
    }
    assert len(won_by_model) == 5
    # Attribution: last quarter's (2026 Q1) won deals, each split to the cent over its touches.
    assert attribution and all(r["close_date"].isoformat() < "2026-04-01" for r in attribution)
    by_deal: dict[tuple, list[dict]] = {}
    for row in attribution:
        deal = (row["opportunity_name"], row["close_date"], row["opportunity_amount_reporting"])
        by_deal.setdefault(deal, []).append(row)
    for (_, _, amount), rows in by_deal.items():
        assert sum(r["attributed_amount_reporting"] for r in rows) == amount
