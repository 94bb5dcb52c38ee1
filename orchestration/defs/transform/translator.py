"""Groups come from dbt's folder path (fqn), never from model names; owners and descriptions are
read by dagster-dbt itself from `meta.dagster.owners` and the dbt docs."""

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
