"""Plan files sales ops keeps in version control: territories, teams, memberships, quotas, plans.

Validity ranges are half-open: `valid_from` is the first day, `valid_to` the first day *after*
(empty while still in force as of the cut).
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from ingestion.demo_company import settings
from ingestion.demo_company.calendar_utils import add_months, month_starts
from ingestion.demo_company.org import Org, Person
from ingestion.demo_company.schemas import PLAN_HEADERS
from ingestion.demo_company.writer import cents, write_csv

COMP_PLAN_TEMPLATES = Path(__file__).parent / "comp_plans"
PLAN_BY_SEGMENT = {"Enterprise": "ae-enterprise", "Mid-Market": "ae-commercial", "SMB": "ae-commercial"}


def _open_end(day: date | None, as_of: date) -> date | None:
    return day if day and day <= as_of else None


def _team_periods(person: Person, as_of: date) -> list[tuple[date, date | None, str]]:
    """(from, to, team) for each team a person was in, cut at as-of."""
    periods = []
    for index, (start, team_id) in enumerate(person.teams):
        end = person.teams[index + 1][0] if index + 1 < len(person.teams) else person.leave_date
        if start <= as_of:
            periods.append((start, _open_end(end, as_of), team_id))
    return periods


def monthly_ramp(person: Person, month: date) -> float:
    """Share of full quota for a month, by completed months of tenure at the month's start."""
    tenure = (month.year - person.hire_date.year) * 12 + month.month - person.hire_date.month
    return settings.RAMP[tenure] if 0 <= tenure < len(settings.RAMP) else 1.0


def _quota_rows(org: Org, as_of: date) -> list[dict[str, object]]:
    rows = []
    quarters = month_starts(settings.EPOCH, as_of)[::3]
    # Sales ops sets next quarter's quotas before it begins: the plan files carry them ahead.
    quarters.append(add_months(quarters[-1], 3))
    for book in org.books:
        for person in book.occupants:
            for quarter in quarters:
                quarter_end = add_months(quarter, 3) - timedelta(days=1)
                # A quota is set at the quarter's start, or on the hire date within it.
                set_on = max(quarter, person.hire_date)
                left = person.leave_date and person.leave_date <= quarter
                ahead = quarter > as_of
                if left or (not ahead and set_on > min(quarter_end, as_of)):
                    continue
                segment = org.teams[person.team_on(set_on)].segment
                months = [add_months(quarter, i) for i in range(3)]
                ramps = [
                    monthly_ramp(person, m) if m >= person.hire_date.replace(day=1) else 0.0 for m in months
                ]
                annual = settings.ANNUAL_QUOTA[segment]
                quota_cents = round(sum(annual * 100 / 12 * r for r in ramps) / 100) * 100
                rows.append(
                    {
                        "user_id": person.user_id,
                        "period_start": quarter,
                        "period_end": quarter_end,
                        "quota_amount": cents(quota_cents),
                        "currency": settings.REPORTING_CURRENCY,
                        "ramp_pct": f"{sum(ramps) / 3 * 100:.2f}",
                    }
                )
    return rows


def write_plan_files(
    plans_dir: Path, org: Org, as_of: date, calls: list[dict[str, object]] | None = None
) -> dict[str, int]:
    teams = sorted(org.teams.values(), key=lambda t: t.team_id)
    counts = {
        "plans/territories": write_csv(
            plans_dir / "territories.csv",
            PLAN_HEADERS["territories"],
            [
                {
                    "territory_id": t.territory_id,
                    "territory_name": f"{t.region} {t.segment}",
                    "region": t.region,
                    "segment": t.segment,
                }
                for t in teams
            ],
        ),
        "plans/teams": write_csv(
            plans_dir / "teams.csv",
            PLAN_HEADERS["teams"],
            [
                {
                    "team_id": t.team_id,
                    "team_name": t.name,
                    "territory_id": t.territory_id,
                    "region": t.region,
                    "segment": t.segment,
                    "manager_user_id": t.manager.user_id if t.manager else None,
                }
                for t in teams
            ],
        ),
    }
    memberships, assignments = [], []
    for person in org.people():
        if person.role not in ("ae", "manager"):
            continue
        for start, end, team_id in _team_periods(person, as_of):
            memberships.append(
                {
                    "user_id": person.user_id,
                    "team_id": team_id,
                    "role": "account_executive" if person.role == "ae" else "manager",
                    "valid_from": start,
                    "valid_to": end,
                }
            )
            if person.role == "ae":
                assignments.append(
                    {
                        "user_id": person.user_id,
                        "plan_id": PLAN_BY_SEGMENT[org.teams[team_id].segment],
                        "effective_from": max(start, settings.EPOCH),
                        "effective_to": end,
                    }
                )
    assignments = [a for a in assignments if a["effective_to"] is None or a["effective_to"] > settings.EPOCH]
    counts["plans/team_memberships"] = write_csv(
        plans_dir / "team_memberships.csv", PLAN_HEADERS["team_memberships"], memberships
    )
    counts["plans/plan_assignments"] = write_csv(
        plans_dir / "plan_assignments.csv", PLAN_HEADERS["plan_assignments"], assignments
    )
    counts["plans/quotas"] = write_csv(
        plans_dir / "quotas.csv", PLAN_HEADERS["quotas"], _quota_rows(org, as_of)
    )
    if calls is not None:
        counts["plans/forecast_calls"] = write_csv(
            plans_dir / "forecast_calls.csv", PLAN_HEADERS["forecast_calls"], calls
        )
    (plans_dir / "comp_plans").mkdir(parents=True, exist_ok=True)
    for template in sorted(COMP_PLAN_TEMPLATES.glob("*.yaml")):
        shutil.copyfile(template, plans_dir / "comp_plans" / template.name)
    counts["plans/comp_plans"] = len(list(COMP_PLAN_TEMPLATES.glob("*.yaml")))
    return counts
