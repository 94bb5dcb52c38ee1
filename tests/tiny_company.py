"""A tiny sales org written as export files, small enough to work its numbers out by hand.

Three reps: R1 and R2 in team T1 (territory TERR1, region NA), R3 in team T2 (TERR2, EMEA).
Quotas: R1 100,000, R2 80,000, R3 50,000 USD for each of 2025 Q1 and Q2. EUR converts at 1.10
from 2024-12-31, 1.20 from 2025-03-31 and 1.25 from 2025-06-30. As of 2025-06-30.

The CRM's org: M1 manages R1, R2 and R3 until R3 moves to M2 on 2025-05-15; M1 and M2 report to
V1. Each opportunity's life is its OpportunityHistory: (day, stage, amount, close date); a change is
logged at noon UTC. O6 moves from R2 to R1 on 2025-05-05; O9 is deleted on 2025-04-25; O10 is
split 60 % R3 / 40 % R2; O7 is in EUR.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from ingestion.demo_company.schemas import PLAN_HEADERS
from ingestion.finance.columns import FINANCE_COLUMNS
from ingestion.salesforce.fields import SOBJECT_FIELDS

AS_OF = date(2025, 6, 30)
STAGES = {  # probability %, forecast category
    "Prospecting": (10, "Pipeline"),
    "Qualification": (20, "Pipeline"),
    "Needs Analysis": (40, "Best Case"),
    "Proposal/Price Quote": (60, "Best Case"),
    "Negotiation/Review": (80, "Commit"),
    "Closed Won": (100, "Closed"),
    "Closed Lost": (0, "Omitted"),
}
REPS = {"R1": "Ada One", "R2": "Bo Two", "R3": "Cy Three"}
MANAGERS = {"M1": "Max Manager", "M2": "Nia Manager", "V1": "Val Leader"}
# user: [(from day, manager)]: each change is a new version of the user.
REPORTS_TO = {
    "R1": [("2024-01-01", "M1")],
    "R2": [("2024-01-01", "M1")],
    "R3": [("2024-01-01", "M1"), ("2025-05-15", "M2")],
    "M1": [("2024-01-01", "V1")],
    "M2": [("2024-01-01", "V1")],
    "V1": [("2024-01-01", None)],
}
# id: (owner at creation, currency, history [(day, stage, amount, close date)])
OPPORTUNITIES: dict[str, tuple[str, str, list[tuple[str, str, int, str]]]] = {
    "O1": ("R1", "USD", [("2025-01-10", "Prospecting", 10000, "2025-02-28"),
                         ("2025-02-20", "Closed Won", 10000, "2025-02-20")]),
    "O2": ("R1", "USD", [("2025-01-15", "Qualification", 20000, "2025-03-31"),
                         ("2025-03-10", "Closed Lost", 20000, "2025-03-10")]),
    "O3": ("R1", "USD", [("2025-02-01", "Prospecting", 30000, "2025-05-15"),
                         ("2025-04-20", "Negotiation/Review", 35000, "2025-05-15"),
                         ("2025-05-15", "Closed Won", 35000, "2025-05-15")]),
    "O4": ("R1", "USD", [("2025-03-01", "Needs Analysis", 40000, "2025-06-15"),
                         ("2025-05-01", "Needs Analysis", 40000, "2025-08-15")]),
    "O5": ("R1", "USD", [("2025-04-10", "Prospecting", 15000, "2025-06-20")]),
    "O6": ("R2", "USD", [("2025-02-10", "Proposal/Price Quote", 25000, "2025-06-30")]),
    "O7": ("R1", "EUR", [("2025-03-15", "Negotiation/Review", 10000, "2025-06-25"),
                         ("2025-05-20", "Negotiation/Review", 9000, "2025-06-25")]),
    "O8": ("R1", "USD", [("2025-01-20", "Qualification", 50000, "2025-08-31"),
                         ("2025-04-15", "Qualification", 50000, "2025-06-10")]),
    "O9": ("R1", "USD", [("2025-03-20", "Prospecting", 8000, "2025-05-31")]),
    "O10": ("R3", "USD", [("2025-04-01", "Prospecting", 20000, "2025-06-30"),
                          ("2025-06-10", "Closed Won", 20000, "2025-06-10")]),
    "O11": ("R3", "USD", [("2025-04-05", "Qualification", 12000, "2025-06-15"),
                          ("2025-06-01", "Closed Lost", 12000, "2025-06-01")]),
    "O12": ("R2", "USD", [("2025-01-05", "Proposal/Price Quote", 30000, "2025-03-20"),
                          ("2025-03-18", "Closed Won", 30000, "2025-03-18")]),
}  # fmt: skip
OWNER_CHANGES = [("O6", "R2", "R1", "2025-05-05")]
DELETED = {"O9": "2025-04-25"}
SPLITS = [("O10", "R3", 60), ("O10", "R2", 40)]
QUOTAS = {"R1": 100000, "R2": 80000, "R3": 50000}
EUR_RATES = [("2024-12-31", "1.10"), ("2025-03-31", "1.20"), ("2025-06-30", "1.25")]


def _noon(day: str) -> str:
    return f"{day}T12:00:00.000Z"


def _write(path: Path, header: list[str], rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})


def _crm(name: str, rows: list[dict[str, object]], out: Path) -> None:
    _write(out / "crm" / name / "tiny.csv", SOBJECT_FIELDS[name], rows)


def write_tiny_company(out: Path) -> None:
    _crm(
        "User",
        [
            {"Id": user, "Username": user, "Name": name, "FirstName": name.split()[0],
             "LastName": name.split()[1], "IsActive": "true", "ManagerId": manager,
             "CreatedDate": _noon("2024-01-01"), "LastModifiedDate": _noon(day), "SystemModstamp": _noon(day)}
            for user, name in {**REPS, **MANAGERS}.items()
            for day, manager in REPORTS_TO[user]
        ],
        out,
    )  # fmt: skip
    _crm(
        "Account",
        [{"Id": "A1", "IsDeleted": "false", "Name": "Acme", "OwnerId": "R1", "CurrencyIsoCode": "USD",
          "CreatedDate": _noon("2024-01-01"), "LastModifiedDate": _noon("2024-01-01"),
          "SystemModstamp": _noon("2024-01-01")}],
        out,
    )  # fmt: skip
    opportunities, history, field_history = [], [], []
    for opp_id, (first_owner, currency, changes) in OPPORTUNITIES.items():
        owner = next((new for o, _, new, _ in OWNER_CHANGES if o == opp_id), first_owner)
        last_day, stage, amount, close = changes[-1]
        modified = DELETED.get(opp_id, max([last_day, *(d for o, _, _, d in OWNER_CHANGES if o == opp_id)]))
        opportunities.append(
            {"Id": opp_id, "IsDeleted": str(opp_id in DELETED).lower(), "AccountId": "A1",
             "Name": f"Deal {opp_id}", "Type": "New Business", "StageName": stage, "Amount": amount,
             "Probability": STAGES[stage][0], "CloseDate": close, "ForecastCategoryName": STAGES[stage][1],
             "IsClosed": str(stage.startswith("Closed")).lower(), "IsWon": str(stage == "Closed Won").lower(),
             "OwnerId": owner, "CurrencyIsoCode": currency, "Term_Months__c": 12,
             "CreatedDate": _noon(changes[0][0]), "LastModifiedDate": _noon(modified),
             "SystemModstamp": _noon(modified)}
        )  # fmt: skip
        for number, (day, stage, amount, close) in enumerate(changes):
            history.append(
                {"Id": f"H{opp_id}-{number}", "IsDeleted": "false", "OpportunityId": opp_id,
                 "StageName": stage, "Amount": amount, "CloseDate": close,
                 "Probability": STAGES[stage][0], "ForecastCategory": STAGES[stage][1],
                 "CreatedDate": _noon(day), "SystemModstamp": _noon(day)}
            )  # fmt: skip
    for number, (opp_id, old, new, day) in enumerate(OWNER_CHANGES):
        field_history.append(
            {"Id": f"F{number}", "IsDeleted": "false", "OpportunityId": opp_id, "Field": "Owner",
             "DataType": "EntityId", "OldValue": old, "NewValue": new, "CreatedDate": _noon(day)}
        )  # fmt: skip
    _crm("Opportunity", opportunities, out)
    _crm("OpportunityHistory", history, out)
    _crm("OpportunityFieldHistory", field_history, out)
    _crm(
        "OpportunitySplit",
        [{"Id": f"S{n}", "IsDeleted": "false", "OpportunityId": opp, "SplitOwnerId": rep,
          "SplitTypeName": "Revenue", "SplitPercentage": pct, "CurrencyIsoCode": "USD",
          "CreatedDate": _noon("2025-06-10"), "LastModifiedDate": _noon("2025-06-10"),
          "SystemModstamp": _noon("2025-06-10")}
         for n, (opp, rep, pct) in enumerate(SPLITS)],
        out,
    )  # fmt: skip
    _write(
        out / "finance" / "fx_rates" / "tiny.csv",
        FINANCE_COLUMNS["fx_rates"],
        [{"rate_date": day, "from_currency": "EUR", "to_currency": "USD", "rate": rate,
          "created_at": _noon(day)} for day, rate in EUR_RATES],
    )  # fmt: skip
    plans = out / "plans"
    _write(
        plans / "territories.csv",
        PLAN_HEADERS["territories"],
        [{"territory_id": "TERR1", "territory_name": "North", "region": "NA", "segment": "SMB"},
         {"territory_id": "TERR2", "territory_name": "Europe", "region": "EMEA", "segment": "SMB"}],
    )  # fmt: skip
    _write(
        plans / "teams.csv",
        PLAN_HEADERS["teams"],
        [{"team_id": "T1", "team_name": "Team One", "territory_id": "TERR1", "region": "NA"},
         {"team_id": "T2", "team_name": "Team Two", "territory_id": "TERR2", "region": "EMEA"}],
    )  # fmt: skip
    _write(
        plans / "team_memberships.csv",
        PLAN_HEADERS["team_memberships"],
        [{"user_id": rep, "team_id": "T2" if rep == "R3" else "T1", "role": "rep", "valid_from": "2024-01-01"}
         for rep in REPS],
    )  # fmt: skip
    _write(
        plans / "quotas.csv",
        PLAN_HEADERS["quotas"],
        [{"user_id": rep, "period_start": start, "period_end": end, "quota_amount": amount,
          "currency": "USD", "ramp_pct": 100}
         for rep, amount in QUOTAS.items()
         for start, end in (("2025-01-01", "2025-03-31"), ("2025-04-01", "2025-06-30"))],
    )  # fmt: skip
    _write(
        plans / "plan_assignments.csv",
        PLAN_HEADERS["plan_assignments"],
        [{"user_id": rep, "plan_id": "tiny-ae", "effective_from": "2024-01-01"} for rep in REPS],
    )
    (plans / "manual_adjustments.csv").write_text(
        "adjustment_id,user_id,statement_month,amount,currency,reason,approved_by\n"
        "ADJ1,R1,2025-04-01,250.00,USD,Missed SPIFF,carol\n"
    )
    (plans / "commission_disputes.csv").write_text(
        "dispute_id,user_id,opportunity_id,raised_on,status,resolution,resolved_on\n"
        "DSP1,R1,O3,2025-05-20,open,,\n"
    )
    (plans / "comp_plans").mkdir(exist_ok=True)
    (plans / "comp_plans" / "tiny-ae.yaml").write_text(COMP_PLAN)
    finance = out / "finance"
    _write(
        finance / "invoices" / "tiny.csv",
        FINANCE_COLUMNS["invoices"],
        [{"invoice_id": "INV3", "customer_id": "C1", "opportunity_id": "O3", "invoice_number": "3",
          "invoice_date": "2025-05-20", "due_date": "2025-06-19", "currency": "USD", "total_amount": 35000,
          "created_at": _noon("2025-05-20"), "updated_at": _noon("2025-05-20")}],
    )  # fmt: skip
    _write(
        finance / "customers" / "tiny.csv",
        FINANCE_COLUMNS["customers"],
        [{"customer_id": "C1", "crm_account_id": "A1", "customer_name": "Acme", "currency": "USD",
          "country": "United States", "created_at": _noon("2024-01-01"), "updated_at": _noon("2024-01-01")}],
    )  # fmt: skip
    for table in ("payments", "credit_notes"):
        _write(finance / table / "tiny.csv", FINANCE_COLUMNS[table], [])


# Every rep on one marginal plan: 10 % of bookings up to quota, 20 % above, paid on booking;
# a refund within 90 days of the close claws back.
COMP_PLAN = """\
plan_id: tiny-ae
name: Tiny AE
effective_from: 2024-01-01
currency: USD
quota_period: quarter
on_target_incentive: 40000
measure: {basis: bookings}
tier_mode: marginal
tiers:
  - {from_attainment: 0.0, to_attainment: 1.0, rate: 0.10}
  - {from_attainment: 1.0, to_attainment: null, rate: 0.20}
payout: {timing: on_booking}
clawback: {window_days: 90, triggers: [refund]}
"""


def write_late_credit_note(out: Path) -> None:
    """Finance refunds 7,000 of O3's 35,000 invoice, dated 2025-05-31 - after May was closed."""
    _write(
        out / "finance" / "credit_notes" / "late.csv",
        FINANCE_COLUMNS["credit_notes"],
        [{"credit_note_id": "CN1", "invoice_id": "INV3", "credit_date": "2025-05-31", "currency": "USD",
          "amount": 7000, "reason": "refund", "created_at": _noon("2025-06-02"),
          "updated_at": _noon("2025-06-02")}],
    )  # fmt: skip
