"""Settings the dbt project owns (its `vars:`) that the loaders need too: the extra CRM fields to
ask for. One list, in `dbt_project.yml`, so the loaders and the models cannot disagree."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DBT_PROJECT_FILE = Path(__file__).resolve().parent.parent / "dbt_project" / "dbt_project.yml"


@cache
def dbt_vars() -> dict[str, Any]:
    return yaml.safe_load(DBT_PROJECT_FILE.read_text())["vars"]


# The canonical CRM entities that carry extra fields, and each system's object for them.
PASS_THROUGH_OBJECTS = {
    "salesforce": {"opportunities": "Opportunity", "accounts": "Account"},
    "hubspot": {"opportunities": "deals", "accounts": "companies"},
    "zoho": {"opportunities": "Deals", "accounts": "Accounts"},
}


def pass_through_fields(system: str) -> dict[str, tuple[str, ...]]:
    """The extra fields `system`'s loader asks for, by its object name: the API names that the dbt
    var `crm_pass_through_fields` carries through to the marts."""
    configured = dbt_vars().get("crm_pass_through_fields") or {}
    return {
        crm_object: tuple(field[system] for field in configured.get(entity) or [] if field.get(system))
        for entity, crm_object in PASS_THROUGH_OBJECTS[system].items()
    }
