"""Closing, reopening and paying compensation months: the guards a deliberate close needs, then
one row per month in the period log, written with query parameters; and a payroll file from the
published statements.
"""

from __future__ import annotations

import csv
import getpass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from orchestration import settings, warehouse
from orchestration.pay_gate import Refused, assert_compensation_published
from orchestration.serving.reader import serving_reader
from orchestration.serving.stores import COMPENSATION
from orchestration.warehouse_lock import holding_the_warehouse

# Written here, created and read by dbt (macros/create_comp_control.sql, source comp_control).
PERIOD_LOG = "comp_control.period_log"
PAYROLL_COLUMNS = ("payroll_month", "user_id", "rep_name", "currency_code", "amount")
CONTROL_COLUMNS = ("payroll_month", "currency_code", "payees", "total_amount")


def month_start(text: str) -> date:
    """`2025-05` or `2025-05-17` -> 2025-05-01."""
    parts = text.split("-")
    if len(parts) not in (2, 3):
        raise ValueError(f"{text!r} is not a month; write it as YYYY-MM.")
    return date(int(parts[0]), int(parts[1]), 1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def log_period_actions(months: list[date], action: str, actor: str, reason: str) -> None:
    """One row per month in the period log (the only state of closing), in one transaction; dbt
    creates the table at the start of every build and reads it as a source."""
    acted_at = datetime.now(UTC).replace(tzinfo=None)
    warehouse.insert_rows(
        PERIOD_LOG,
        ("period_month", "action", "actor", "reason", "acted_at"),
        [(month, action, actor, reason, acted_at) for month in months],
    )
    for month in months:
        print(f"{'closed' if action == 'close' else 'reopened'} {month.isoformat()}")


def _last_closed_month() -> date | None:
    rows = warehouse.fetch_all("select last_closed_month from intermediate.int_comp_month_status")
    return rows[0][0] if rows and rows[0][0] is not None else None


def months_to_close(month: date) -> list[date]:
    """Every open month up to `month`, in order (months close in order)."""
    last_closed = _last_closed_month()
    if last_closed is not None:
        first = next_month(last_closed)
    else:
        first_activity = warehouse.fetch_all("select min(ledger_month) from compensation.fct_payout_ledger")[
            0
        ][0]
        first = min(first_activity or month, month)
    months = []
    while first <= month:
        months.append(first)
        first = next_month(first)
    if not months:
        raise Refused(f"{month:%Y-%m} is already closed (months are closed through {last_closed:%Y-%m})")
    return months


def exceptions_touching(months: list[date]) -> list[tuple[str, str, object]]:
    """(account, deal, difference) of open bookings-vs-invoices exceptions whose deals have
    commission lines in `months`."""
    mark = warehouse.placeholder()
    return warehouse.fetch_all(
        "select distinct exceptions.account_id, exceptions.opportunity_id, "
        "exceptions.account_difference_amount "
        "from compensation.fct_bookings_invoice_exceptions as exceptions "
        "inner join compensation.fct_commission_lines as lines "
        "on lines.opportunity_id = exceptions.opportunity_id "
        f"where lines.commission_month between {mark} and {mark} order by 1, 2",
        (months[0], months[-1]),
    )


@holding_the_warehouse
def close_month(
    month: date, actor: str | None, reason: str, through: bool = False, accept_exceptions: str | None = None
) -> None:
    """Close `month` (and, with `through`, every open month before it), in order; each close is
    logged with who and why. Refused (nothing closes) when the month has not ended, when the
    warehouse's compensation is not what passed the quality gate, when several months would close
    without `through`, or when exceptions touch its commission lines and were not accepted."""
    as_of = settings.as_of_date()
    if next_month(month) > as_of + timedelta(days=1):
        raise Refused(f"{month:%Y-%m} has not ended (as of {as_of}); only a month that has ended can close")
    if not reason or not reason.strip():
        raise Refused("closing needs --reason (it is logged with who and when)")
    assert_compensation_published()
    months = months_to_close(month)
    if len(months) > 1 and not through:
        listed = ", ".join(f"{m:%Y-%m}" for m in months)
        raise Refused(
            f"closing {month:%Y-%m} would close {len(months)} months ({listed}); "
            f"to close them all, add --through"
        )
    exceptions = exceptions_touching(months)
    if exceptions and not accept_exceptions:
        shown = "; ".join(f"account {a} deal {d} difference {diff}" for a, d, diff in exceptions[:5])
        raise Refused(
            f"{len(exceptions)} unresolved bookings-vs-invoices exception(s) touch the commission lines "
            f"of {months[0]:%Y-%m}..{months[-1]:%Y-%m} ({shown}): resolve them, or close with "
            '--accept-exceptions "why" (logged)'
        )
    if exceptions:
        deals = ", ".join(sorted({str(d) for _, d, _ in exceptions}))
        reason = f"{reason} [exceptions accepted: {accept_exceptions}; deals {deals}]"
    log_period_actions(months, "close", actor or getpass.getuser(), reason)


@holding_the_warehouse
def reopen_month(month: date, actor: str | None, reason: str) -> None:
    """Reopen the latest closed month (logged); later changes to it then land in it again."""
    last_closed = _last_closed_month()
    if last_closed != month:
        latest = f"{last_closed:%Y-%m}" if last_closed else "none"
        raise Refused(f"only the latest closed month can be reopened; it is {latest}, not {month:%Y-%m}")
    if not reason or not reason.strip():
        raise Refused("reopening a month needs --reason (it is logged with who and when)")
    log_period_actions([month], "reopen", actor or getpass.getuser(), reason)


def export_payroll(month: date, out_dir: Path) -> Path:
    """One CSV per payroll run: month, rep (id and name), payout currency, amount = the closed
    month's payouts (never negative: a shortfall carries on the statements to later months),
    read from the published compensation store, which only ever holds data that passed the
    quality gate. Beside it, a control file with the payees and the total per currency, for
    payroll to check the import against."""
    last_closed = _last_closed_month()
    if last_closed is None or month > last_closed:
        raise Refused(f"{month:%Y-%m} is not closed; close it first (salesops close-month {month:%Y-%m})")
    run_id = assert_compensation_published()
    with serving_reader(COMPENSATION) as reader:
        rows = reader.fetch(
            "select user_id, rep_name, currency_code, payout_amount from "
            f"{reader.qualify('fct_commission_statements')} "
            f"where statement_month = cast('{month.isoformat()}' as date) order by user_id, currency_code"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"payroll_{month:%Y-%m}.csv"
    totals: dict[str, tuple[int, Decimal]] = {}
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PAYROLL_COLUMNS)
        for rep, name, currency, amount in rows:
            writer.writerow((f"{month:%Y-%m}", rep, name, currency, f"{amount:.2f}"))
            payees, total = totals.get(currency, (0, Decimal("0")))
            totals[currency] = (payees + 1, total + Decimal(str(amount)))
    with path.with_suffix(".control.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CONTROL_COLUMNS)
        writer.writerows(
            (f"{month:%Y-%m}", c, payees, f"{total:.2f}") for c, (payees, total) in sorted(totals.items())
        )
    print(f"Payroll for {month:%Y-%m} from the compensation published by run {run_id}:")
    for currency, (payees, total) in sorted(totals.items()):
        print(f"  {currency} {total:,.2f} to {payees} payee(s)")
    return path
