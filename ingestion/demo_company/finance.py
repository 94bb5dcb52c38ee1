"""Billing of won deals: annual invoices, payments (on time, late, partial, never) and credit notes."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ingestion.demo_company import settings
from ingestion.demo_company.calendar_utils import add_months, at_work_hours
from ingestion.demo_company.writer import PartitionedCsvWriter, cents


def split_evenly(total_cents: int, parts: int) -> list[int]:
    """Split cents into `parts` amounts; the last part takes the remainder so they sum exactly."""
    share = total_cents // parts
    return [share] * (parts - 1) + [total_cents - share * (parts - 1)]


def bill_won_deal(
    writer: PartitionedCsvWriter,
    seed: int,
    opportunity_id: str,
    opp_number: int,
    customer_id: str,
    currency: str,
    closed_on: date,
    amount_cents: int,
    term_months: int,
    line_items: list[tuple[str, str, int]],
) -> None:
    """Write the invoices, lines, payments and credit notes of one won deal."""
    rng = random.Random(f"{seed}:billing:{opp_number}")
    years = term_months // 12
    invoice_amounts = split_evenly(amount_cents, years)
    line_amounts = [split_evenly(total, years) for _, _, total in line_items]
    for year in range(years):
        invoice_date = add_months(closed_on, 12 * year) + timedelta(days=rng.randrange(0, 3))
        invoice_id = f"INV-{opp_number:08d}-{year + 1}"
        created_at = at_work_hours(invoice_date, rng)
        total = invoice_amounts[year]
        due = invoice_date + timedelta(days=30)
        writer.add(
            "finance/invoices",
            {
                "invoice_id": invoice_id,
                "customer_id": customer_id,
                "opportunity_id": opportunity_id,
                "invoice_number": f"{opp_number}-{year + 1}",
                "invoice_date": invoice_date,
                "due_date": due,
                "currency": currency,
                "total_amount": cents(total),
                "billing_period_start": add_months(closed_on, 12 * year),
                "billing_period_end": add_months(closed_on, 12 * (year + 1)) - timedelta(days=1),
                "created_at": created_at,
                "updated_at": created_at,
            },
            created_at,
        )
        for line_number, ((code, name, _), amounts) in enumerate(
            zip(line_items, line_amounts, strict=True), start=1
        ):
            writer.add(
                "finance/invoice_lines",
                {
                    "invoice_line_id": f"{invoice_id}-{line_number}",
                    "invoice_id": invoice_id,
                    "line_number": line_number,
                    "product_code": code,
                    "description": name,
                    "quantity": 1,
                    "unit_price": cents(amounts[year]),
                    "amount": cents(amounts[year]),
                    "created_at": created_at,
                    "updated_at": created_at,
                },
                created_at,
            )
        _pay_invoice(writer, rng, invoice_id, currency, invoice_date, due, total)
        if year == 0:
            _maybe_refund(writer, rng, invoice_id, currency, closed_on, total)


def _pay_invoice(
    writer: PartitionedCsvWriter,
    rng: random.Random,
    invoice_id: str,
    currency: str,
    invoice_date: date,
    due: date,
    total: int,
) -> None:
    behaviours, weights = zip(*settings.PAYMENT_BEHAVIOUR, strict=True)
    behaviour = rng.choices(behaviours, weights)[0]
    payments: list[tuple[date, int]] = []
    if behaviour == "on_time":
        payments = [(invoice_date + timedelta(days=rng.randrange(5, 31)), total)]
    elif behaviour == "late":
        payments = [(due + timedelta(days=rng.randrange(10, 91)), total)]
    elif behaviour == "partial":
        first = total // 2 // 100 * 100
        payments = [
            (due - timedelta(days=rng.randrange(0, 10)), first),
            (due + timedelta(days=rng.randrange(30, 61)), total - first),
        ]
    elif behaviour == "written_off":
        credited_on = due + timedelta(days=120)
        at = at_work_hours(credited_on, rng)
        writer.add(
            "finance/credit_notes",
            {
                "credit_note_id": f"CN-{invoice_id}-W",
                "invoice_id": invoice_id,
                "credit_date": credited_on,
                "currency": currency,
                "amount": cents(total),
                "reason": "write_off",
                "created_at": at,
                "updated_at": at,
            },
            at,
        )
    for index, (paid_on, amount) in enumerate(payments, start=1):
        # Payments are often recorded a few days after the money arrived (late-arriving rows).
        recorded_at = at_work_hours(paid_on + timedelta(days=rng.randrange(0, 5)), rng)
        writer.add(
            "finance/payments",
            {
                "payment_id": f"PAY-{invoice_id}-{index}",
                "invoice_id": invoice_id,
                "payment_date": paid_on,
                "currency": currency,
                "amount": cents(amount),
                "method": rng.choice(("wire", "ach", "card")),
                "created_at": recorded_at,
                "updated_at": recorded_at,
            },
            recorded_at,
        )


def _maybe_refund(
    writer: PartitionedCsvWriter,
    rng: random.Random,
    invoice_id: str,
    currency: str,
    closed_on: date,
    total: int,
) -> None:
    draw = rng.random()
    if draw < settings.REFUND_IN_WINDOW_RATE:
        credited_on = closed_on + timedelta(days=rng.randrange(10, settings.CLAWBACK_WINDOW_DAYS + 1))
    elif draw < settings.REFUND_IN_WINDOW_RATE + settings.REFUND_OUT_OF_WINDOW_RATE:
        credited_on = closed_on + timedelta(days=rng.randrange(120, 301))
    else:
        return
    share = rng.choice((1.0, 0.5))
    at = at_work_hours(credited_on, rng)
    writer.add(
        "finance/credit_notes",
        {
            "credit_note_id": f"CN-{invoice_id}-R",
            "invoice_id": invoice_id,
            "credit_date": credited_on,
            "currency": currency,
            "amount": cents(int(total * share) // 100 * 100),
            "reason": "refund",
            "created_at": at,
            "updated_at": at,
        },
        at,
    )


def write_fx_rates(writer: PartitionedCsvWriter, seed: int, first: date, last: date) -> None:
    """Business-day rates to USD as a seeded random walk (weekends are missing on purpose)."""
    rng = random.Random(f"{seed}:fx")
    rates = dict(settings.FX_START)
    day = first
    while day <= last:
        for currency in sorted(rates):
            rates[currency] *= 1 + rng.gauss(0, settings.FX_DAILY_VOLATILITY)
        if day.weekday() < 5:
            stamp = at_work_hours(day, rng).replace(hour=18, minute=0)
            for currency in sorted(rates):
                writer.add(
                    "finance/fx_rates",
                    {
                        "rate_date": day,
                        "from_currency": currency,
                        "to_currency": settings.REPORTING_CURRENCY,
                        "rate": f"{rates[currency]:.6f}",
                        "created_at": stamp,
                    },
                    stamp,
                )
        day += timedelta(days=1)
