"""Comp plan YAML files: parsed, validated against the published JSON Schema, and versioned.

The plan version is a hash of the parsed plan in canonical JSON, so comments and key order do not
change it but any change of substance does.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import yaml

# Published with the package so the schema and the loader never drift apart.
SCHEMA_PATH = Path(__file__).with_name("comp_plan.schema.json")


class PlanFileError(ValueError):
    """A plan file that cannot be loaded; the message names the file, the path and the problem."""


def _plain(value: Any) -> Any:
    """YAML dates become ISO strings so the plan is JSON (and hashes the same everywhere)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def plan_version(plan: dict[str, Any]) -> str:
    canonical = json.dumps(plan, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def load_comp_plan(path: Path) -> dict[str, Any]:
    """Parse and validate one plan file, or raise PlanFileError saying what to fix."""
    try:
        plan = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as error:
        raise PlanFileError(f"{path}: not valid YAML: {error}") from error
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(plan), key=lambda e: list(e.absolute_path))
    if errors:
        details = "; ".join(
            f"at {'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}" for e in errors
        )
        raise PlanFileError(f"{path}: does not match {SCHEMA_PATH.name}: {details}")
    tiers = plan["tiers"]
    for previous, tier in itertools.pairwise(tiers):
        if previous["to_attainment"] != tier["from_attainment"]:
            raise PlanFileError(
                f"{path}: at tiers: tier from {tier['from_attainment']} does not start where the "
                f"previous tier ends ({previous['to_attainment']}); tiers must be contiguous."
            )
    return plan


PlanRows = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]


def comp_plan_rows(path: Path) -> PlanRows:
    """The plan's row (version, full body), one row per tier, per fixed FX rate and per SPIFF."""
    plan = load_comp_plan(path)
    version = plan_version(plan)
    gate, cap, clawback = plan.get("gate") or {}, plan.get("cap") or {}, plan.get("clawback") or {}
    plan_row = {
        "plan_id": plan["plan_id"],
        "plan_version": version,
        "plan_name": plan["name"],
        "effective_from": plan["effective_from"],
        "effective_to": plan.get("effective_to"),
        "currency": plan["currency"],
        "quota_period": plan["quota_period"],
        "on_target_incentive": plan["on_target_incentive"],
        "tier_mode": plan["tier_mode"],
        "measure_basis": plan["measure"]["basis"],
        "payout_timing": plan["payout"]["timing"],
        "weight_new_business": plan["measure"].get("weights", {}).get("new_business", 1.0),
        "weight_expansion": plan["measure"].get("weights", {}).get("expansion", 1.0),
        "weight_renewal": plan["measure"].get("weights", {}).get("renewal", 1.0),
        "gate_min_attainment": gate.get("min_attainment"),
        "cap_kind": cap.get("kind"),
        "cap_value": cap.get("value"),
        "clawback_window_days": clawback.get("window_days"),
        "clawback_triggers": ",".join(clawback.get("triggers", [])) if clawback else None,
        "manager_override_rate": (plan.get("manager_override") or {}).get("rate"),
        "draw_monthly_guarantee": (plan.get("draw") or {}).get("monthly_guarantee"),
        "draw_recoverable": (plan.get("draw") or {}).get("recoverable"),
        "capitalize_benefit_months": (plan.get("capitalization") or {}).get("benefit_months"),
        "plan_body": json.dumps(plan, sort_keys=True),
        "source_file": path.name,
    }
    tier_rows = [
        {
            "plan_id": plan["plan_id"],
            "plan_version": version,
            "tier_number": number,
            "from_attainment": tier["from_attainment"],
            "to_attainment": tier["to_attainment"],
            "rate": tier["rate"],
        }
        for number, tier in enumerate(plan["tiers"], start=1)
    ]
    fx_rows = [
        {
            "plan_id": plan["plan_id"],
            "plan_version": version,
            "from_currency": currency,
            "to_currency": plan["currency"],
            "rate": rate,
        }
        for currency, rate in sorted((plan.get("fx_rates") or {}).items())
    ]
    spiff_rows = [
        {
            "plan_id": plan["plan_id"],
            "plan_version": version,
            "spiff_number": number,
            "spiff_name": spiff["name"],
            "kind": spiff["kind"],
            "amount": spiff["amount"],
            "deal_type": spiff.get("qualifies", {}).get("deal_type"),
            "min_term_months": spiff.get("qualifies", {}).get("min_term_months"),
            "window_from": spiff["window"]["from"],
            "window_to": spiff["window"]["to"],
        }
        for number, spiff in enumerate(plan.get("spiffs") or [], start=1)
    ]
    return plan_row, tier_rows, fx_rows, spiff_rows
