"""Maps each dlt resource to the asset key its dbt source declares: [dataset, table]."""

from __future__ import annotations

import dagster as dg
from dagster_dlt import DagsterDltTranslator
from dagster_dlt.translator import DltResourceTranslatorData

from orchestration import settings


class RawTableTranslator(DagsterDltTranslator):
    def __init__(self, group_name: str, owner: str) -> None:
        self.group_name = group_name
        self.owner = owner

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        default = super().get_asset_spec(data)
        dataset = data.pipeline.dataset_name if data.pipeline else "raw"
        return default.replace_attributes(
            key=dg.AssetKey([dataset, data.resource.table_name]),
            deps=[],  # files and APIs are outside Dagster; sensors watch them instead
            group_name=self.group_name,
            owners=[self.owner],
            kinds={"dlt", settings.warehouse_target()},
        )
