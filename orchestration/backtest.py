"""Back-testing a candidate comp plan: rebuild commission on a scratch copy of the warehouse with
the candidate as the newest version of its plan, and compare with the plan in force.

The commission rules run in dbt exactly as in production (no second implementation): the copy
gets the candidate's rows in raw_plans, `dbt run` rebuilds the commission models on it, and the
two warehouses are compared over the months asked for. DuckDB warehouses only.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from ingestion.plans.comp_plans import comp_plan_rows
from orchestration import settings
from orchestration.defs.transform.cli_resource import launched_dbt
from orchestration.defs.transform.project import dbt_environment, dbt_vars
from orchestration.warehouse_location import location

# Newer than any real load id (a unix time), so the candidate is the version in force.
CANDIDATE_LOAD_ID = "9999999999.0"


# Attainment bands of rep-periods, in order (lower bound inclusive, in %).
BANDS = ((0, "below 50 %"), (50, "50-100 %"), (100, "100-150 %"), (150, "150 % and more"))


@dataclass(frozen=True)
class PlanCost:
    """What a plan costs over the months asked for: commission plus SPIFF awards, per rep."""

    total: Decimal
    per_rep: dict[str, Decimal]
    attainment_bands: dict[str, int]  # in the order of BANDS, bands without rep-periods left out
    spiffs: Decimal = Decimal("0")


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]]) -> None:
    """Load the candidate's rows into raw_plans.<table>, with dlt's load columns where the table
    has them (tables loaded from arrow have none)."""
    existing = {name for (name,) in con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'raw_plans' and table_name = ?",
        [table],
    ).fetchall()}  # fmt: skip
    # As dlt's merge on the plan files' keys would: a version already loaded is replaced.
    for plan_id, version in {(row["plan_id"], row["plan_version"]) for row in rows}:
        con.execute(
            f"delete from raw_plans.{table} where plan_id = ? and plan_version = ?", [plan_id, version]
        )
    for number, row in enumerate(rows):
        values = {k: v for k, v in row.items() if k in existing}
        load_columns = {"_dlt_load_id": CANDIDATE_LOAD_ID, "_dlt_id": f"backtest-{table}-{number}"}
        values |= {k: v for k, v in load_columns.items() if k in existing}
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        con.execute(f"insert into raw_plans.{table} ({columns}) values ({marks})", list(values.values()))


def _plan_cost(warehouse: Path, plan_id: str, start: date, end: date) -> PlanCost:
    band_case = " ".join(f"when attainment_pct >= {low} then '{label}'" for low, label in reversed(BANDS))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        commission = dict(con.execute(
            "select user_id, sum(commission_amount) from compensation.fct_commission_lines "
            "where plan_id = ? and commission_month between ? and ? group by user_id",
            [plan_id, start, end],
        ).fetchall())  # fmt: skip
        # A SPIFF is earned in the month of the credit that qualifies for it.
        spiffs = dict(con.execute(
            "select user_id, sum(spiff_award_amount) from intermediate.int_spiff_awards "
            "where plan_id = ? and date_trunc('month', credit_date) between ? and ? group by user_id",
            [plan_id, start, end],
        ).fetchall())  # fmt: skip
        bands = dict(con.execute(
            f"""
            with periods as (
                select commission_period_id, max(attainment_after_pct) as attainment_pct
                from compensation.fct_commission_lines
                where plan_id = ? and commission_month between ? and ?
                group by commission_period_id
            )
            select case {band_case} else '{BANDS[0][1]}' end as band, count(*)
            from periods group by 1
            """,
            [plan_id, start, end],
        ).fetchall())  # fmt: skip
    per_rep = {
        rep: commission.get(rep, Decimal("0")) + spiffs.get(rep, Decimal("0"))
        for rep in sorted(set(commission) | set(spiffs))
    }
    ordered_bands = {label: bands[label] for _, label in BANDS if label in bands}
    return PlanCost(
        sum(per_rep.values(), Decimal("0")), per_rep, ordered_bands, sum(spiffs.values(), Decimal("0"))
    )


def rep_names(warehouse: Path) -> dict[str, str]:
    """Each rep's display name, unique (core.dim_reps: a shared name carries the user id)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select user_id, rep_name from core.dim_reps where rep_name is not null"
        ).fetchall()
    return dict(rows)


def backtest(candidate: Path, start: date, end: date) -> tuple[PlanCost, PlanCost]:
    """(cost under the plan in force, cost under the candidate) for commission months start..end."""
    plan_row, tiers, fx_rates, spiffs = comp_plan_rows(candidate)
    with tempfile.TemporaryDirectory(prefix="salesops_backtest_") as scratch:
        # Named as the warehouse is: dbt started in its folder parses as every run does (partially).
        copy = Path(scratch) / location().duckdb_path.name
        shutil.copyfile(location().duckdb_path, copy)
        with duckdb.connect(str(copy)) as con:
            _insert_rows(con, "comp_plans", [plan_row])
            _insert_rows(con, "comp_plan_tiers", tiers)
            _insert_rows(con, "comp_plan_fx_rates", fx_rates)
            _insert_rows(con, "comp_plan_spiffs", spiffs)
        # The same dbt as every run, started in the copy's folder.
        dbt = launched_dbt()
        with dbt_environment(settings.as_of_date_setting(), workdir=Path(scratch)):
            rebuild = dbt.cli(
                ["run", "--select", "+fct_commission_lines +int_spiff_awards", *dbt_vars()],
                target_path=Path(scratch) / "target", raise_on_error=False,
            )  # fmt: skip
        error = rebuild.get_error()
        if error is not None:
            raise RuntimeError(f"rebuilding commission with {candidate} failed: {error}")
        return (
            _plan_cost(location().duckdb_path, plan_row["plan_id"], start, end),
            _plan_cost(copy, plan_row["plan_id"], start, end),
        )


def format_backtest(plan_id: str, in_force: PlanCost, candidate: PlanCost, names: dict[str, str]) -> str:
    """The two costs side by side: total, SPIFFs, each rep by name, and rep-periods per
    attainment band, with the change in money and in %."""

    def change(old: Decimal, new: Decimal) -> str:
        percent = f"{(new - old) / old:+.1%}" if old else ("new" if new else "")
        return f"{new - old:>+14,.2f} {percent:>8s}"

    width = max([30, *(len(name) + 2 for name in names.values())])
    lines = [f"{'plan ' + plan_id:{width}s} {'in force':>14s} {'candidate':>14s} {'change':>14s} {'%':>8s}"]
    lines.append(f"{'total cost':{width}s} {in_force.total:>14,.2f} {candidate.total:>14,.2f} "
                 f"{change(in_force.total, candidate.total)}")  # fmt: skip
    lines.append(f"{'  of which SPIFFs':{width}s} {in_force.spiffs:>14,.2f} {candidate.spiffs:>14,.2f} "
                 f"{change(in_force.spiffs, candidate.spiffs)}")  # fmt: skip
    reps = sorted(set(in_force.per_rep) | set(candidate.per_rep), key=lambda rep: (names.get(rep, rep), rep))
    for rep in reps:
        old, new = in_force.per_rep.get(rep, Decimal(0)), candidate.per_rep.get(rep, Decimal(0))
        lines.append(f"  {names.get(rep, rep):{width - 2}s} {old:>14,.2f} {new:>14,.2f} {change(old, new)}")
    lines.append("attainment (rep-periods)")
    for _, band in BANDS:
        old_count, new_count = in_force.attainment_bands.get(band, 0), candidate.attainment_bands.get(band, 0)
        if old_count or new_count:
            lines.append(
                f"  {band:{width - 2}s} {old_count:>14d} {new_count:>14d} {new_count - old_count:>+14d}"
            )
    return "\n".join(lines)
