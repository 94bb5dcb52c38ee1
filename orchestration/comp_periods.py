"""Closing, reopening and paying compensation months: thin wrappers over the dbt operations
`close_month` / `reopen_month` (macros/comp_periods.sql) and a payroll file from the statements.
"""

from __future__ import annotations

import csv
import getpass
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from orchestration import settings, warehouse

PAYROLL_COLUMNS = ("user_id", "currency_code", "amount")


def month_start(text: str) -> date:
    """`2025-05` or `2025-05-17` -> 2025-05-01."""
    parts = text.split("-")
    if len(parts) not in (2, 3):
        raise ValueError(f"{text!r} is not a month; write it as YYYY-MM.")
    return date(int(parts[0]), int(parts[1]), 1)


def run_dbt_operation(macro: str, args: dict[str, str]) -> None:
    """`dbt run-operation <macro>` in the project, failing with dbt's message."""
    dbt = Path(sys.executable).parent / "dbt"
    env = {**os.environ, "SALESOPS_WAREHOUSE_PATH": str(settings.warehouse_path())}
    result = subprocess.run(
        [str(dbt), "run-operation", macro, "--args", json.dumps(args), "--profiles-dir", "."],
        cwd=settings.DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dbt run-operation {macro} failed:\n{result.stdout[-3000:]}")
    print("\n".join(line for line in result.stdout.splitlines() if "closed" in line or "reopened" in line))


def close_month(month: date, actor: str | None, reason: str) -> None:
    """Close every open month up to `month`, in order; each close is logged with who and why."""
    run_dbt_operation(
        "close_month", {"month": month.isoformat(), "actor": actor or getpass.getuser(), "reason": reason}
    )


def reopen_month(month: date, actor: str | None, reason: str) -> None:
    """Reopen the latest closed month (logged); later changes to it then land in it again."""
    run_dbt_operation(
        "reopen_month", {"month": month.isoformat(), "actor": actor or getpass.getuser(), "reason": reason}
    )


def _statement_rows(month: date) -> tuple[bool, list[tuple[str, str, object]]]:
    """(is the month closed, [(rep, currency, net payout)]) from the warehouse."""
    status = warehouse.fetch_all("select last_closed_month from intermediate.int_comp_month_status")
    last_closed = status[0][0] if status else None
    rows = warehouse.fetch_all(
        "select user_id, currency_code, payout_amount from compensation.fct_commission_statements "
        f"where statement_month = {warehouse.placeholder()} order by user_id, currency_code",
        (month,),
    )
    return last_closed is not None and month <= last_closed, rows


def export_payroll(month: date, out_dir: Path) -> Path:
    """One CSV per payroll run: rep, payout currency, amount = the closed month's payouts (never
    negative: a shortfall carries on the statements to later months)."""
    closed, rows = _statement_rows(month)
    if not closed:
        raise RuntimeError(
            f"{month:%Y-%m} is not closed; close it first (salesops close-month {month:%Y-%m})."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"payroll_{month:%Y-%m}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PAYROLL_COLUMNS)
        writer.writerows((rep, currency, f"{amount:.2f}") for rep, currency, amount in rows)
    return path
