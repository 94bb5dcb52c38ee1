"""Small date helpers used across the generator."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate_day)
        except ValueError:
            continue
    raise ValueError(day)


def month_starts(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def at_work_hours(day: date, rng: random.Random) -> datetime:
    """A timestamp on `day` during working hours (UTC)."""
    return datetime.combine(day, time(8)) + timedelta(minutes=rng.randrange(0, 10 * 60))


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; fine for the small means used here."""
    threshold, count, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count
