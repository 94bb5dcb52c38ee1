"""The demo company's weekly forecast calls: every Friday each account executive calls the
quarter (commit, best case, pipeline) and each team manager calls the team.

A rep knows what they have won and, roughly, which of their open deals due this quarter will
close: their commit is won to date + those deals' value times their habit - sandbaggers call low
(0.75-0.9), optimists high (1.1-1.3), most near the truth - with a little weekly noise; best case
adds half of the rest of the open deals due in the quarter, pipeline is all of them. A manager
calls the sum of their reps' commits with their own adjustment (0.9-1.1). Only deals created by
the call's day count, so a call never changes with a later as-of date. Amounts in US dollars (at
the currencies' starting rates: a call is an estimate).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from ingestion.demo_company import settings
from ingestion.demo_company.calendar_utils import add_months
from ingestion.demo_company.org import Org


@dataclass(frozen=True, slots=True)
class DealOutcome:
    book_number: int
    created: date
    closed_on: date | None
    is_won: bool
    amount_usd: float


def _habit(rng: random.Random) -> float:
    kind = rng.choices(("sandbagger", "optimist", "accurate"), (0.3, 0.2, 0.5))[0]
    low, high = {"sandbagger": (0.75, 0.9), "optimist": (1.1, 1.3), "accurate": (0.95, 1.05)}[kind]
    return rng.uniform(low, high)


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def forecast_call_rows(org: Org, deals: list[DealOutcome], seed: int, as_of: date) -> list[dict[str, object]]:
    by_book: dict[int, list[DealOutcome]] = defaultdict(list)
    for deal in deals:
        by_book[deal.book_number].append(deal)
    rows: list[dict[str, object]] = []
    friday = settings.EPOCH + timedelta(days=(4 - settings.EPOCH.weekday()) % 7)
    while friday <= as_of:
        quarter = _quarter_start(friday)
        quarter_end = add_months(quarter, 3) - timedelta(days=1)
        team_commits: dict[str, float] = defaultdict(float)
        for book in org.books:
            if book.opened > friday:
                continue
            rep = book.occupant_on(friday)
            if rep.hire_date > friday or (rep.leave_date and rep.leave_date <= friday):
                continue
            won_to_date = will_win = open_due = 0.0
            for deal in by_book[book.book_number]:
                if deal.created > friday:
                    continue
                if deal.is_won and deal.closed_on and quarter <= deal.closed_on <= friday:
                    won_to_date += deal.amount_usd
                elif deal.closed_on is None or deal.closed_on > friday:
                    due = deal.closed_on is not None and deal.closed_on <= quarter_end
                    if due:
                        open_due += deal.amount_usd
                        will_win += deal.amount_usd if deal.is_won else 0.0
            habit = _habit(random.Random(f"{seed}:call-habit:{rep.user_id}"))
            noise = random.Random(f"{seed}:call:{rep.user_id}:{friday}").gauss(1.0, 0.05)
            commit = won_to_date + will_win * habit * noise
            best_case = commit + 0.5 * max(open_due - will_win, 0.0)
            rows.append(_row(friday, rep.user_id, quarter, commit, best_case, won_to_date + open_due))
            team_commits[book.team_id] += commit
        for team_id, commit in sorted(team_commits.items()):
            manager = org.teams[team_id].manager
            if manager is None or manager.hire_date > friday:
                continue
            adjustment = random.Random(f"{seed}:manager-call:{manager.user_id}").uniform(0.9, 1.1)
            rows.append(_row(friday, manager.user_id, quarter, commit * adjustment, None, None))
        friday += timedelta(days=7)
    return rows


def _row(
    submitted_on: date,
    user_id: str,
    quarter: date,
    commit: float,
    best_case: float | None,
    pipeline: float | None,
) -> dict[str, object]:
    return {
        "submitted_on": submitted_on,
        "user_id": user_id,
        "period_start": quarter,
        "commit_amount": f"{commit:.2f}",
        "best_case_amount": None if best_case is None else f"{best_case:.2f}",
        "pipeline_amount": None if pipeline is None else f"{pipeline:.2f}",
        "currency": settings.REPORTING_CURRENCY,
    }
