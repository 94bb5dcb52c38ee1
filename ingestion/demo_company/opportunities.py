"""One opportunity's whole life, decided when it is created: stages, amounts, close dates, owners.

The life is drawn from a random stream keyed by the opportunity's number, so it never depends on
the as-of date; the writer simply drops whatever is dated after it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ingestion.demo_company import settings
from ingestion.demo_company.calendar_utils import add_months, at_work_hours
from ingestion.demo_company.org import Book


@dataclass(slots=True)
class OpportunityEvent:
    at: datetime
    changes: dict[str, object]
    logs_history: bool  # stage, amount or close date changed: Salesforce writes OpportunityHistory
    owner_change: tuple[str, str] | None = None


@dataclass(slots=True)
class OpportunityLife:
    number: int
    opp_type: str
    created_at: datetime
    amount_cents: int
    term_months: int
    events: list[OpportunityEvent] = field(default_factory=list)
    outcome: str = "open"  # won | lost | deleted
    closed_on: date | None = None
    final_amount_cents: int = 0


def _month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def _stage_fields(stage: tuple[str, int, str]) -> dict[str, object]:
    name, probability, forecast = stage
    return {
        "StageName": name,
        "Probability": probability,
        "ForecastCategoryName": forecast,
        "IsClosed": name in ("Closed Won", "Closed Lost"),
        "IsWon": name == "Closed Won",
    }


def simulate(
    number: int,
    seed: int,
    opp_type: str,
    segment: str,
    created: date,
    amount_cents: int,
    term_months: int,
    expected_close: date | None,
    book: Book,
) -> OpportunityLife:
    """Draw the opportunity's life; owner hand-overs come from the book's occupants."""
    rng = random.Random(f"{seed}:opp:{number}")
    factor = settings.CYCLE_FACTOR[segment]
    stage_index = settings.FIRST_STAGE[opp_type]
    created_at = at_work_hours(created, rng)
    life = OpportunityLife(number, opp_type, created_at, amount_cents, term_months)
    remaining = sum(settings.MEAN_DAYS_IN_STAGE[stage_index:]) * factor
    close_date = expected_close or _month_end(created + timedelta(days=int(remaining)))
    amount = amount_cents
    life.events.append(
        OpportunityEvent(
            created_at,
            {**_stage_fields(settings.OPEN_STAGES[stage_index]), "Amount": amount, "CloseDate": close_date},
            True,
        )
    )
    day = created
    deleted = rng.random() < settings.DELETED_OPPORTUNITY_RATE
    delete_at_stage = rng.randrange(stage_index, len(settings.OPEN_STAGES))
    while True:
        dwell = 1 + int(rng.expovariate(1 / (settings.MEAN_DAYS_IN_STAGE[stage_index] * factor)))
        day += timedelta(days=dwell)
        at = at_work_hours(day, rng)
        if deleted and stage_index == delete_at_stage:
            life.events.append(OpportunityEvent(at, {"IsDeleted": True}, False))
            life.outcome = "deleted"
            break
        changes: dict[str, object] = {}
        if rng.random() < 0.15:
            amount = max(100_00, int(amount * rng.uniform(0.7, 1.3)) // 100 * 100)
            changes["Amount"] = amount
        advance = rng.random() < settings.ADVANCE_RATE[opp_type][stage_index]
        if not advance:
            changes.update(_stage_fields(settings.LOST_STAGE), CloseDate=day)
            life.events.append(OpportunityEvent(at, changes, True))
            life.outcome, life.closed_on = "lost", day
            break
        if stage_index == len(settings.OPEN_STAGES) - 1:
            changes.update(_stage_fields(settings.WON_STAGE), CloseDate=day)
            life.events.append(OpportunityEvent(at, changes, True))
            life.outcome, life.closed_on = "won", day
            break
        stage_index += 1
        changes.update(_stage_fields(settings.OPEN_STAGES[stage_index]))
        move = rng.random()
        if close_date <= day + timedelta(days=3) or move < 0.2:
            close_date = _month_end(max(close_date, day) + timedelta(days=rng.randrange(14, 60)))
            changes["CloseDate"] = close_date
        elif move < 0.27:
            pulled = close_date - timedelta(days=rng.randrange(7, 31))
            if pulled > day + timedelta(days=7):
                close_date = pulled
                changes["CloseDate"] = close_date
        life.events.append(OpportunityEvent(at, changes, True))
    if life.outcome == "won" and rng.random() < settings.LATE_CORRECTION_RATE:
        corrected_day = day + timedelta(days=rng.randrange(3, 21))
        amount = max(100_00, int(amount * rng.uniform(0.85, 1.1)) // 100 * 100)
        life.events.append(OpportunityEvent(at_work_hours(corrected_day, rng), {"Amount": amount}, True))
    life.final_amount_cents = amount
    end = life.events[-1].at.date()
    for handover_day, leaver, successor in book.handovers_between(created, end):
        if life.closed_on and handover_day > life.closed_on:
            break
        life.events.append(
            OpportunityEvent(
                at_work_hours(handover_day, rng).replace(hour=7, minute=0),
                {"OwnerId": successor.user_id},
                False,
                (leaver.user_id, successor.user_id),
            )
        )
    life.events.sort(key=lambda event: event.at)
    return life


def draw_amount_cents(rng: random.Random, segment: str, opp_type: str, term_months: int) -> int:
    """Total contract value in cents, rounded to hundreds of the currency."""
    annual = settings.DEAL_SIZE[segment] * rng.lognormvariate(0, 0.45)
    if opp_type == "Expansion":
        annual *= 0.4
    return max(1_000, int(annual * term_months / 12) // 100 * 100) * 100


def draw_term(rng: random.Random) -> int:
    terms, weights = zip(*settings.TERM_MONTHS, strict=True)
    return rng.choices(terms, weights)[0]
