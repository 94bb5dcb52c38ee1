"""Plan files kept by sales ops: territories, teams, memberships, quotas, assignments, comp plans.

Plans decide pay, so they load strictly: a file with any bad row or a comp plan that breaks the
JSON Schema fails the run with the file, the place and the problem, and nothing of it loads. Plan
tables are replaced on each load (the files are the truth), except comp plans, which are merged on
(plan_id, plan_version) so every version ever loaded is kept.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from ingestion.contracts import DATE, MONEY, TableContract, empty_typed_table, split_typed_and_rejected
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
# Files sales ops only keeps when they have something to say; absent means no rows.
OPTIONAL_PLAN_TABLES: tuple[TableContract, ...] = (
    TableContract(
        "manual_adjustments.csv",
        "manual_adjustments",
        ("adjustment_id",),
        "adjustment_id",
        {"statement_month": DATE, "amount": MONEY},
        ("adjustment_id", "user_id", "statement_month", "amount", "currency", "reason", "approved_by"),
    ),
    TableContract(
        "commission_disputes.csv",
        "commission_disputes",
        ("dispute_id",),
        "dispute_id",
        {"raised_on": DATE, "resolved_on": DATE, "resolution": pa.string()},
        ("dispute_id", "user_id", "opportunity_id", "raised_on", "status"),
    ),
    # The weekly forecast calls of reps and managers: what they expect the fiscal quarter starting
    # period_start to book (commit; best case and pipeline where they give them).
    TableContract(
        "forecast_calls.csv",
        "forecast_calls",
        ("user_id", "period_start", "submitted_on"),
        "submitted_on",
        {
            "submitted_on": DATE,
            "period_start": DATE,
            "commit_amount": MONEY,
            "best_case_amount": MONEY,
            "pipeline_amount": MONEY,
        },
        ("submitted_on", "user_id", "period_start", "commit_amount", "currency"),
    ),
)


def read_plan_csv(plans_dir: Path, spec: TableContract) -> pa.Table:
    path = plans_dir / spec.origin
    if not path.exists() and spec in OPTIONAL_PLAN_TABLES:
        return empty_typed_table(spec)
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


# Primary key columns are not nullable, as dlt declares them (else it warns at every load).
FX_RATE_SCHEMA = pa.schema(
    [pa.field("plan_id", pa.string(), False), pa.field("plan_version", pa.string(), False),
     pa.field("from_currency", pa.string(), False), ("to_currency", pa.string()),
     ("rate", pa.decimal128(18, 6))]
)  # fmt: skip
SPIFF_SCHEMA = pa.schema(
    [pa.field("plan_id", pa.string(), False), pa.field("plan_version", pa.string(), False),
     pa.field("spiff_number", pa.int64(), False), ("spiff_name", pa.string()),
     ("kind", pa.string()), ("amount", pa.decimal128(18, 6)), ("deal_type", pa.string()),
     ("min_term_months", pa.int64()), ("window_from", pa.date32()), ("window_to", pa.date32())]
)  # fmt: skip


def _typed_rows(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """Plan values (YAML numbers, ISO dates) as an arrow table of `schema`."""

    def typed(value: object, kind: pa.DataType) -> object:
        if value is None:
            return None
        if pa.types.is_decimal(kind):
            return Decimal(str(value))
        if pa.types.is_date(kind):
            return date.fromisoformat(str(value))
        return value

    return pa.Table.from_pylist(
        [{field.name: typed(row.get(field.name), field.type) for field in schema} for row in rows], schema
    )


def _plan_table_resource(plans_dir: Path, spec: TableContract) -> DltResource:
    @dlt.resource(name=spec.name, write_disposition="replace", primary_key=list(spec.primary_key))
    def plan_table() -> Iterator[pa.Table]:
        yield read_plan_csv(plans_dir, spec)

    return plan_table


@dlt.source(name="plan_files")
def plan_files(plans_dir: str = dlt.config.value) -> Iterator[DltResource]:
    """Plan CSVs and comp plan YAMLs under `plans_dir` (comp plans in `comp_plans/*.yaml`)."""
    root = Path(plans_dir)
    for spec in (*PLAN_TABLES, *OPTIONAL_PLAN_TABLES):
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
            # Optional parts of a plan: declared so their columns exist even when no plan sets them.
            "gate_min_attainment": {"data_type": "decimal", "precision": 9, "scale": 4, "nullable": True},
            "cap_kind": {"data_type": "text", "nullable": True},
            "cap_value": {"data_type": "decimal", "precision": 18, "scale": 4, "nullable": True},
            "clawback_window_days": {"data_type": "bigint", "nullable": True},
            "clawback_triggers": {"data_type": "text", "nullable": True},
            "manager_override_rate": {"data_type": "decimal", "precision": 9, "scale": 6, "nullable": True},
            "draw_monthly_guarantee": {"data_type": "decimal", "precision": 18, "scale": 2, "nullable": True},
            "draw_recoverable": {"data_type": "bool", "nullable": True},
            "capitalize_benefit_months": {"data_type": "bigint", "nullable": True},
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

    # Optional plan parts load as arrow tables of a fixed schema: with no plan using them, the
    # (empty) table still exists for the models that read it.
    @dlt.resource(
        name="comp_plan_fx_rates",
        write_disposition="merge",
        primary_key=["plan_id", "plan_version", "from_currency"],
    )
    def comp_plan_fx_rates() -> Iterator[pa.Table]:
        rows = [row for path in plan_paths for row in parsed_plan(path)[2]]
        yield _typed_rows(rows, FX_RATE_SCHEMA)

    @dlt.resource(
        name="comp_plan_spiffs",
        write_disposition="merge",
        primary_key=["plan_id", "plan_version", "spiff_number"],
    )
    def comp_plan_spiffs() -> Iterator[pa.Table]:
        rows = [row for path in plan_paths for row in parsed_plan(path)[3]]
        yield _typed_rows(rows, SPIFF_SCHEMA)

    yield comp_plans
    yield comp_plan_tiers
    yield comp_plan_fx_rates
    yield comp_plan_spiffs
