"""Plan files kept by sales ops: territories, teams, memberships, quotas, assignments, comp plans.

Plans decide pay, so they load strictly: a file with any bad row or a comp plan that breaks the
JSON Schema fails the run with the file, the place and the problem, and nothing of it loads. Plan
tables are replaced on each load (the files are the truth), except comp plans, which are merged on
(plan_id, plan_version) so every version ever loaded is kept.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from ingestion.contracts import DATE, MONEY, TableContract, split_typed_and_rejected
from ingestion.export_files.reader import read_text_table
from ingestion.plans.comp_plans import PlanFileError, comp_plan_rows

PLAN_TABLES: tuple[TableContract, ...] = (
    TableContract(
        "territories.csv", "territories", ("territory_id",), "territory_id", {}, ("territory_id", "region")
    ),
    TableContract("teams.csv", "teams", ("team_id",), "team_id", {}, ("team_id", "territory_id")),
    TableContract(
        "team_memberships.csv",
        "team_memberships",
        ("user_id", "team_id", "valid_from"),
        "valid_from",
        {"valid_from": DATE, "valid_to": DATE},
        ("user_id", "team_id", "role", "valid_from"),
    ),
    TableContract(
        "quotas.csv",
        "quotas",
        ("user_id", "period_start"),
        "period_start",
        {"period_start": DATE, "period_end": DATE, "quota_amount": MONEY, "ramp_pct": pa.decimal128(5, 2)},
        ("user_id", "period_start", "period_end", "quota_amount", "currency"),
    ),
    TableContract(
        "plan_assignments.csv",
        "plan_assignments",
        ("user_id", "plan_id", "effective_from"),
        "effective_from",
        {"effective_from": DATE, "effective_to": DATE},
        ("user_id", "plan_id", "effective_from"),
    ),
)


def read_plan_csv(plans_dir: Path, spec: TableContract) -> pa.Table:
    path = plans_dir / spec.origin
    if not path.exists():
        raise PlanFileError(f"{path}: plan file is missing; every plans folder needs {spec.origin}.")
    with path.open("rb") as handle:
        typed, rejected = split_typed_and_rejected(read_text_table(handle), spec, spec.origin)
    if rejected.num_rows:
        problems = "; ".join(
            f"line {line}: {reason}"
            for line, reason in zip(
                rejected["_source_line"].to_pylist()[:20],
                rejected["_rejected_reason"].to_pylist()[:20],
                strict=True,
            )
        )
        raise PlanFileError(
            f"{path}: {rejected.num_rows} bad row(s), nothing of this file was "
            f"loaded; fix them and rerun: {problems}"
        )
    return typed


def _plan_table_resource(plans_dir: Path, spec: TableContract) -> DltResource:
    @dlt.resource(name=spec.name, write_disposition="replace", primary_key=list(spec.primary_key))
    def plan_table() -> Iterator[pa.Table]:
        yield read_plan_csv(plans_dir, spec)

    return plan_table


@dlt.source(name="plan_files")
def plan_files(plans_dir: str = dlt.config.value) -> Iterator[DltResource]:
    """Plan CSVs and comp plan YAMLs under `plans_dir` (comp plans in `comp_plans/*.yaml`)."""
    root = Path(plans_dir)
    for spec in PLAN_TABLES:
        yield _plan_table_resource(root, spec)
    plan_paths = sorted((root / "comp_plans").glob("*.yaml"))
    # Each plan is parsed and validated once, on first use, for all three of its tables.
    parsed_plan = functools.cache(comp_plan_rows)

    @dlt.resource(
        name="comp_plans",
        write_disposition="merge",
        primary_key=["plan_id", "plan_version"],
        columns={
            "on_target_incentive": {"data_type": "decimal", "precision": 18, "scale": 2},
            "effective_from": {"data_type": "date"},
            "effective_to": {"data_type": "date"},
            **{
                f"weight_{kind}": {"data_type": "decimal", "precision": 9, "scale": 4}
                for kind in ("new_business", "expansion", "renewal")
            },
        },
    )
    def comp_plans() -> Iterator[dict]:
        for path in plan_paths:
            yield parsed_plan(path)[0]

    @dlt.resource(
        name="comp_plan_tiers",
        write_disposition="merge",
        primary_key=["plan_id", "plan_version", "tier_number"],
        columns={
            "rate": {"data_type": "decimal", "precision": 9, "scale": 6},
            "from_attainment": {"data_type": "decimal", "precision": 9, "scale": 4},
            "to_attainment": {"data_type": "decimal", "precision": 9, "scale": 4},
        },
    )
    def comp_plan_tiers() -> Iterator[dict]:
        for path in plan_paths:
            yield from parsed_plan(path)[1]

    @dlt.resource(
        name="comp_plan_fx_rates",
        write_disposition="merge",
        primary_key=["plan_id", "plan_version", "from_currency"],
        columns={"rate": {"data_type": "decimal", "precision": 18, "scale": 6}},
    )
    def comp_plan_fx_rates() -> Iterator[dict]:
        for path in plan_paths:
            yield from parsed_plan(path)[2]

    yield comp_plans
    yield comp_plan_tiers
    yield comp_plan_fx_rates
