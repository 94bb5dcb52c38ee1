"""Groups, owners and descriptions of dbt assets come from dbt itself, never from model names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings


class WarehouseDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_code_references=False))

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # fqn = [project, layer, (area), model]: marts group by area, other layers by layer.
        fqn = dbt_resource_props["fqn"]
        if len(fqn) >= 4 and fqn[1] == "marts":
            return fqn[2]
        return fqn[1] if len(fqn) >= 3 else None

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str] | None:
        owner = dbt_resource_props.get("config", {}).get("meta", {}).get("owner") or (
            dbt_resource_props.get("meta", {}).get("owner")
        )
        return [owner] if owner else None
