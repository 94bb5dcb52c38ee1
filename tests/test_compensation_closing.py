"""Closing compensation months on the tiny company (tests/tiny_company.py), every rep on one
marginal plan (10 % of bookings to quota), as of 2025-06-30.

Hand-worked: R1 won O3 (35,000) on 2025-05-15 -> earns 3,500.00 in May. R2 won O12 (30,000) on
2025-03-18 -> 3,000.00 in March. O10 (20,000, 2025-06-10) is split 60/40: R3 1,200.00, R2 800.00
in June. Then a refund of 7,000 on O3's 35,000 invoice, dated 2025-05-31 (16 days after the
close, inside the 90-day window), arrives after May was closed: the clawback is 3,500 x 7,000 /
35,000 = 700.00, and it lands in June, the first open month, as an adjustment of May.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion.export_files import crm_exports, finance_exports
from ingestion.plans import plan_files
from orchestration.cli import main
from orchestration.serving.duckdb_publish import publish_duckdb
from orchestration.serving.stores import COMPENSATION
from tests.dbt_runner import dbt_build
from tests.raw_tables import duckdb_pipeline
from tests.tiny_company import AS_OF, write_late_credit_note, write_tiny_company

D = Decimal
SELECT = (
    "--select",
    "+fct_commission_statements",
    "+fct_bookings_invoice_exceptions",
    "+dim_reps",
    "stg_finance__customers",
    "--indirect-selection",
    "cautious",
)


@dataclass
class Company:
    workdir: Path
    exports: Path
    warehouse: Path

    def build(self, *extra: str, publish: bool = True) -> None:
        """dbt build; then, as a run whose checks passed does, publish compensation."""
        env = {"SALESOPS_WAREHOUSE_PATH": str(self.warehouse), "SALESOPS_AS_OF_DATE": str(AS_OF)}
        dbt_build(self.workdir, env, *SELECT, *extra)
        if publish:
            self.publish()

    def publish(self) -> None:
        publish_duckdb(self.warehouse, self.workdir / "serving", COMPENSATION, "tiny-run", datetime.now(UTC))

    def load_finance(self) -> None:
        duckdb_pipeline(self.workdir, "finance", "raw_finance").run(finance_exports(str(self.exports)))

    def rows(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Company]:
    workdir = tmp_path_factory.mktemp("tiny_comp")
    exports = workdir / "exports"
    write_tiny_company(exports)
    tiny = Company(workdir, exports, workdir / "warehouse.duckdb")
    duckdb_pipeline(workdir, "crm", "raw_salesforce").run(crm_exports(str(exports)))
    tiny.load_finance()
    duckdb_pipeline(workdir, "plans", "raw_plans").run(plan_files(str(exports / "plans")))
    tiny.build()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SALESOPS_WAREHOUSE_PATH", str(tiny.warehouse))
        patch.setenv("SALESOPS_DATA_DIR", str(workdir))
        yield tiny


# Account A1 is invoiced for O3 only: its other won deals are bookings-vs-invoices exceptions.
ACCEPT = ("--accept-exceptions", "tiny company: O1, O10 and O12 are billed outside the ERP")
STATEMENTS = "select * from compensation.fct_commission_statements order by user_id, statement_month"


def test_statements_earn_ten_percent_of_credited_bookings(company: Company) -> None:
    earned = {
        (rep, month.isoformat()): (amount, net)
        for rep, month, amount, net in company.rows(
            "select user_id, statement_month, earned_amount, net_payout_amount "
            "from compensation.fct_commission_statements"
        )
    }
    assert earned[("R1", "2025-05-01")] == (D("3500.00"), D("3500.00"))
    assert earned[("R2", "2025-03-01")] == (D("3000.00"), D("3000.00"))
    assert earned[("R2", "2025-06-01")] == (D("800.00"), D("800.00"))
    assert earned[("R3", "2025-06-01")] == (D("1200.00"), D("1200.00"))


def test_manual_adjustments_reach_the_ledger_and_disputes_flag_lines(company: Company) -> None:
    # plans/manual_adjustments.csv: ADJ1 pays R1 250.00 in April 2025, approved by carol.
    assert company.rows(
        "select entry_type, cast(ledger_month as varchar), amount, entry_note "
        "from compensation.fct_payout_ledger where entry_key = 'manual|ADJ1'"
    ) == [("adjustment", "2025-04-01", D("250.00"), "Missed SPIFF (approved by carol)")]
    assert company.rows(
        "select adjustment_amount, net_payout_amount from compensation.fct_commission_statements "
        "where user_id = 'R1' and statement_month = '2025-04-01'"
    ) == [(D("250.00"), D("250.00"))]
    # plans/commission_disputes.csv: R1 disputes O3, still open.
    assert company.rows(
        "select distinct is_disputed, dispute_id from compensation.fct_commission_lines "
        "where opportunity_id = 'O3'"
    ) == [(True, "DSP1")]


def test_closing_is_deliberate(company: Company, capsys: pytest.CaptureFixture[str]) -> None:
    """A month that has not ended, several months at once without --through, or exceptions on
    the months' commission without an acknowledgement: each refused in one line, nothing closed."""
    log_before = company.rows("select count(*) from staging.stg_comp_control__period_log")
    refusals = {
        ("2099-01",): "2099-01 has not ended",
        # The first month with ledger activity is February.
        ("2025-05",): "closing 2025-05 would close 4 months (2025-02, 2025-03, 2025-04, 2025-05)",
        ("2025-05", "--through"): "touch the commission lines of 2025-02..2025-05 (account A1 deal O",
    }
    for args, message in refusals.items():
        assert main(["close-month", *args, "--reason", "May payroll"]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    with pytest.raises(SystemExit):  # argparse: --reason is required
        main(["close-month", "2025-05", "--through"])
    assert company.rows("select count(*) from staging.stg_comp_control__period_log") == log_before


def test_a_late_credit_note_after_closing_lands_in_the_open_month(
    company: Company, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    closing = ["close-month", "2025-05", "--through", "--by", "alice", "--reason", "May payroll"]
    capsys.readouterr()
    assert main([*closing, *ACCEPT]) == 0
    # One plain line per month closed.
    assert capsys.readouterr().out.splitlines()[-1] == "closed 2025-05-01"
    # The acknowledgement is logged with the close.
    (reason,) = company.rows(
        "select reason from staging.stg_comp_control__period_log where period_month = '2025-05-01'"
    )[0]
    assert reason.startswith("May payroll [exceptions accepted: tiny company") and "O1" in reason
    company.build()
    closed_before = [row for row in company.rows(STATEMENTS) if row[3].isoformat() <= "2025-05-01"]
    ledger_before = company.rows("select count(*) from compensation.fct_payout_ledger")[0][0]

    # Payroll for the closed month: one file, matching the statements.
    assert main(["payroll-export", "2025-05", "--out", str(tmp_path)]) == 0
    # April (closed with May) had only the manual adjustment; May has O3's commission.
    with (tmp_path / "payroll_2025-05.csv").open() as handle:
        assert list(csv.reader(handle)) == [
            ["payroll_month", "user_id", "rep_name", "currency_code", "amount"],
            ["2025-05", "R1", "Ada One", "USD", "3500.00"],
        ]
    with (tmp_path / "payroll_2025-05.control.csv").open() as handle:
        assert list(csv.reader(handle)) == [
            ["payroll_month", "currency_code", "payees", "total_amount"],
            ["2025-05", "USD", "1", "3500.00"],
        ]
    assert "USD 3,500.00 to 1 payee(s)" in capsys.readouterr().out
    assert main(["payroll-export", "2025-06", "--out", str(tmp_path)]) == 2
    assert "2025-06 is not closed" in capsys.readouterr().err

    write_late_credit_note(company.exports)
    company.load_finance()
    company.build()

    closed_after = [row for row in company.rows(STATEMENTS) if row[3].isoformat() <= "2025-05-01"]
    assert [tuple(map(str, r)) for r in closed_after] == [tuple(map(str, r)) for r in closed_before]
    adjustment = company.rows(
        "select entry_type, adjusted_entry_type, adjusts_month, ledger_month, amount, credit_note_id "
        "from compensation.fct_payout_ledger where credit_note_id = 'CN1'"
    )
    assert [(a, b, str(c), str(d), e, f) for a, b, c, d, e, f in adjustment] == [
        ("adjustment", "clawback", "2025-05-01", "2025-06-01", D("-700.00"), "CN1")
    ]
    # June nets -700.00: nothing is paid, and the shortfall carries to later months.
    june = company.rows(
        "select adjustment_amount, net_payout_amount, payout_amount, shortfall_carried_out_amount "
        "from compensation.fct_commission_statements where user_id = 'R1' and statement_month = '2025-06-01'"
    )
    assert june == [(D("-700.00"), D("-700.00"), D("0.00"), D("-700.00"))]
    assert company.rows("select count(*) from compensation.fct_payout_ledger")[0][0] == ledger_before + 1


def test_the_ledger_survives_a_full_refresh_and_reruns_add_nothing(company: Company) -> None:
    before = company.rows("select * from compensation.fct_payout_ledger order by ledger_entry_id")
    company.build("--full-refresh")
    assert company.rows("select * from compensation.fct_payout_ledger order by ledger_entry_id") == before


def test_reopening_a_month_is_logged_and_only_the_latest(company: Company) -> None:
    assert main(["reopen-month", "2025-04", "--by", "bob", "--reason", "wrong month"]) == 2
    # Written as given (query parameters): quotes and SQL in a reason are text, nothing else.
    why = "O3's credit disputed'); drop table comp_control.period_log; --"
    assert main(["reopen-month", "2025-05", "--by", "bob o'neil", "--reason", why]) == 0
    log = company.rows(
        "select period_month, period_action, actor, reason from staging.stg_comp_control__period_log "
        "where period_action = 'reopen'"
    )
    assert [(str(m), a, who, why) for m, a, who, why in log] == [("2025-05-01", "reopen", "bob o'neil", why)]
    # The months' status (a view on the log; the next build's ledger reads it) reads the latest action.
    assert company.rows(
        "select cast(last_closed_month as varchar) from intermediate.int_comp_month_status"
    ) == [("2025-04-01",)]


def test_backfilling_a_range_of_month_partitions_closes_them_in_order_in_one_run(
    company: Company, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dagster as dg

    from orchestration.cli import main
    from orchestration.defs.compensation.jobs import closed_months

    assert closed_months.backfill_policy == dg.BackfillPolicy.single_run()
    before = company.rows("select count(*) from staging.stg_comp_control__period_log")[0][0]
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    # `backfill-months` launches what a UI backfill of May-June does with a single-run policy.
    assert main(["backfill-months", "--from", "2025-05", "--to", "2025-06", *ACCEPT]) == 0
    with dg.DagsterInstance.get() as instance:
        (run,) = instance.get_runs()
    assert run.tags["dagster/asset_partition_range_end"] == "2025-06-01"
    log = company.rows(
        "select cast(period_month as varchar), period_action, actor "
        "from staging.stg_comp_control__period_log order by acted_at"
    )[before:]
    # Every open month up to June closes, in order, once each (in this module, earlier tests
    # closed through April, so May and June remain).
    months = [month for month, _, _ in log]
    assert {(action, who) for _, action, who in log} == {("close", "dagster")}
    assert months == sorted(set(months)) and months[-2:] == ["2025-05-01", "2025-06-01"]


def test_backtesting_a_candidate_plan_costs_it_beside_the_plan_in_force(
    company: Company, tmp_path: Path
) -> None:
    """Hand-worked: in force, 10 % to quota. Commission January-June 2025: R1 1,000 (O1) +
    3,500 (O3) = 4,500; R2 3,000 (O12) + 800 (40 % of O10) = 3,800; R3 1,200 (60 % of O10);
    total 9,500. Candidate: 15 % flat -> R1 6,750, R2 5,700, R3 1,800, plus a 500 SPIFF on
    each new-business deal credited in Q1 (O1 to R1 on Feb 28, O12 to R2 on Mar 20) and a
    fixed EUR rate (no EUR deal is won): R1 7,250, R2 6,200, R3 1,800, total 15,250 (+60.5 %).
    Nobody reaches 50 % of quota in any quarter, under either plan."""
    from orchestration.backtest import backtest, format_backtest, rep_names

    candidate = tmp_path / "tiny-ae.yaml"
    candidate.write_text(
        (company.exports / "plans" / "comp_plans" / "tiny-ae.yaml")
        .read_text()
        .replace("rate: 0.10}", "rate: 0.15}")
        .replace("rate: 0.20}", "rate: 0.15}")
        + "fx_rates: {EUR: 1.10}\n"
        "spiffs:\n"
        "  - {name: Q1 new logo, kind: flat, amount: 500, qualifies: {deal_type: new_business},\n"
        "     window: {from: 2025-01-01, to: 2025-03-31}}\n"
    )
    in_force, proposed = backtest(candidate, date(2025, 1, 1), date(2025, 6, 1))
    assert (in_force.total, in_force.spiffs, in_force.per_rep) == (
        D("9500.00"), D("0"), {"R1": D("4500.00"), "R2": D("3800.00"), "R3": D("1200.00")},
    )  # fmt: skip
    assert (proposed.total, proposed.spiffs, proposed.per_rep) == (
        D("15250.00"), D("1000.00"), {"R1": D("7250.00"), "R2": D("6200.00"), "R3": D("1800.00")},
    )  # fmt: skip
    assert in_force.attainment_bands == proposed.attainment_bands == {"below 50 %": 5}
    report = format_backtest("tiny-ae", in_force, proposed, rep_names(company.warehouse)).splitlines()
    # Reps by name, sorted by name; the change in money and in %.
    assert [line.split()[:2] for line in report[3:6]] == [["Ada", "One"], ["Bo", "Two"], ["Cy", "Three"]]
    assert report[1].split()[-2:] == ["+5,750.00", "+60.5%"]
    assert report[3].split()[-2:] == ["+2,750.00", "+61.1%"]


def test_backtest_bands_read_in_attainment_order() -> None:
    from orchestration.backtest import PlanCost, format_backtest

    bands = {"below 50 %": 1, "50-100 %": 2, "100-150 %": 3, "150 % and more": 4}
    cost = PlanCost(D("1"), {}, dict(reversed(bands.items())))
    report = format_backtest("p", cost, cost, {})
    assert [re.split(r"\s{2,}", line.strip())[0] for line in report.splitlines()[-4:]] == list(bands)


def test_pay_comes_only_from_compensation_that_passed_the_gate(
    company: Company, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run adds a ledger entry, then its blocking checks fail, so nothing is published: the
    payroll file and closing refuse, naming why, until a run publishes again."""
    adjustments = company.exports / "plans" / "manual_adjustments.csv"
    adjustments.write_text(adjustments.read_text() + "ADJ2,R2,2025-07-01,99.00,USD,Unchecked bonus,carol\n")
    duckdb_pipeline(company.workdir, "plans", "raw_plans").run(plan_files(str(company.exports / "plans")))
    company.build(publish=False)
    assert company.rows("select count(*) from compensation.fct_payout_ledger where amount = 99.00") == [(1,)]
    capsys.readouterr()
    assert main(["payroll-export", "2025-05", "--out", str(tmp_path)]) == 2
    assert main(["close-month", "2025-07", "--reason", "July", *ACCEPT]) == 2
    refusals = capsys.readouterr().err.splitlines()
    assert len(refusals) == 2
    assert all("differs from what was last published (run tiny-run)" in line for line in refusals)
    assert not (tmp_path / "payroll_2025-05.csv").exists()
    # The next run finds nothing changed (dbt rebuilds nothing), passes and publishes: paying works again.
    company.publish()
    assert main(["payroll-export", "2025-05", "--out", str(tmp_path)]) == 0
