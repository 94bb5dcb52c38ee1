"""Back-testing a candidate comp plan: rebuild commission on a scratch copy of the warehouse with
the candidate as the newest version of its plan, and compare with the plan in force.

The commission rules run in dbt exactly as in production (no second implementation): the copy
gets the candidate's rows in raw_plans, `dbt run` rebuilds the commission models on it, and the
two warehouses are compared over the months asked for. DuckDB warehouses only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from ingestion.plans.comp_plans import comp_plan_rows
from orchestration import settings

# Newer than any real load id (a unix time), so the candidate is the version in force.
CANDIDATE_LOAD_ID = "9999999999.0"


@dataclass(frozen=True)
class PlanCost:
    total: Decimal
    per_rep: dict[str, Decimal]
    attainment_bands: dict[str, int]


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]]) -> None:
    existing = {name for (name,) in con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'raw_plans' and table_name = ?",
        [table],
    ).fetchall()}  # fmt: skip
    for row in rows:
        values = {k: v for k, v in row.items() if k in existing}
        values |= {"_dlt_load_id": CANDIDATE_LOAD_ID, "_dlt_id": f"backtest-{len(values)}"}
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        con.execute(f"insert into raw_plans.{table} ({columns}) values ({marks})", list(values.values()))


def _plan_cost(warehouse: Path, plan_id: str, start: date, end: date) -> PlanCost:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        per_rep = dict(con.execute(
            "select user_id, sum(commission_amount) from compensation.fct_commission_lines "
            "where plan_id = ? and commission_month between ? and ? group by user_id order by user_id",
            [plan_id, start, end],
        ).fetchall())  # fmt: skip
        bands = dict(con.execute(
            """
            with periods as (
                select commission_period_id, max(attainment_after_pct) as attainment_pct
                from compensation.fct_commission_lines
                where plan_id = ? and commission_month between ? and ?
                group by commission_period_id
            )
            select case when attainment_pct < 50 then 'below 50 %' when attainment_pct < 100 then '50-100 %'
                        when attainment_pct < 150 then '100-150 %' else '150 % and more' end, count(*)
            from periods group by 1 order by 1
            """,
            [plan_id, start, end],
        ).fetchall())  # fmt: skip
    return PlanCost(sum(per_rep.values(), Decimal("0")), per_rep, bands)


def backtest(candidate: Path, start: date, end: date) -> tuple[PlanCost, PlanCost]:
    """(cost under the plan in force, cost under the candidate) for commission months start..end."""
    plan_row, tiers, fx_rates, spiffs = comp_plan_rows(candidate)
    with tempfile.TemporaryDirectory(prefix="salesops_backtest_") as scratch:
        copy = Path(scratch) / "warehouse.duckdb"
        shutil.copyfile(settings.warehouse_path(), copy)
        with duckdb.connect(str(copy)) as con:
            _insert_rows(con, "comp_plans", [plan_row])
            _insert_rows(con, "comp_plan_tiers", tiers)
            _insert_rows(con, "comp_plan_fx_rates", fx_rates)
            _insert_rows(con, "comp_plan_spiffs", spiffs)
        dbt = Path(sys.executable).parent / "dbt"
        result = subprocess.run(
            [str(dbt), "run", "--select", "+fct_commission_lines", "--profiles-dir", ".",
             "--target-path", str(Path(scratch) / "target"), "--log-path", str(Path(scratch) / "logs")],
            cwd=settings.DBT_PROJECT_DIR, env={**os.environ, "SALESOPS_WAREHOUSE_PATH": str(copy)},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"rebuilding commission with {candidate} failed:\n{result.stdout[-3000:]}")
        return (
            _plan_cost(settings.warehouse_path(), plan_row["plan_id"], start, end),
            _plan_cost(copy, plan_row["plan_id"], start, end),
        )


def format_backtest(plan_id: str, in_force: PlanCost, candidate: PlanCost) -> str:
    reps = sorted(set(in_force.per_rep) | set(candidate.per_rep))
    lines = [f"{'plan ' + plan_id:30s} {'in force':>14s} {'candidate':>14s} {'change':>14s}"]
    lines.append(f"{'total cost':30s} {in_force.total:>14,.2f} {candidate.total:>14,.2f} "
                 f"{candidate.total - in_force.total:>14,.2f}")  # fmt: skip
    for rep in reps:
        old, new = in_force.per_rep.get(rep, Decimal(0)), candidate.per_rep.get(rep, Decimal(0))
        lines.append(f"  {rep:28s} {old:>14,.2f} {new:>14,.2f} {new - old:>14,.2f}")
    lines.append("attainment (rep-periods)")
    for band in sorted(set(in_force.attainment_bands) | set(candidate.attainment_bands)):
        lines.append(f"  {band:28s} {in_force.attainment_bands.get(band, 0):>14d} "
                     f"{candidate.attainment_bands.get(band, 0):>14d}")  # fmt: skip
    return "\n".join(lines)
