"""Maps each dlt resource to the asset key its dbt source declares ([dataset, table]) and says in
its description how the table is loaded."""

from __future__ import annotations

import dagster as dg
from dagster_dlt import DagsterDltTranslator
from dagster_dlt.translator import DltResourceTranslatorData

from orchestration import settings


class RawTableTranslator(DagsterDltTranslator):
    def __init__(self, group_name: str, owner: str, quarantines_rows: bool = True) -> None:
        self.group_name = group_name
        self.owner = owner
        self.quarantines_rows = quarantines_rows  # else a bad file fails the load whole

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        default = super().get_asset_spec(data)
        dataset = data.pipeline.dataset_name if data.pipeline else "raw"
        return default.replace_attributes(
            key=dg.AssetKey([dataset, data.resource.table_name]),
            deps=[],  # files and APIs are outside Dagster; sensors watch them instead
            group_name=self.group_name,
            owners=[self.owner],
            kinds={"dlt", settings.warehouse_target()},
            description=describe(data, self.quarantines_rows),
        )


def describe(data: DltResourceTranslatorData, quarantines_rows: bool) -> str:
    """How the raw table is loaded, from the resource's own hints."""
    resource = data.resource
    columns = resource.compute_table_schema().get("columns", {})
    keys = [name for name, column in columns.items() if column.get("primary_key")]
    disposition = resource.write_disposition
    mode = disposition.get("disposition") if isinstance(disposition, dict) else disposition
    how = {
        "merge": (
            f"every version kept, one row per {' + '.join(sorted(keys))} (a version sent again is "
            "stored once); staging reads the newest version of each record"
        ),
        "replace": "replaced whole on every load (the files are the truth)",
        "append": "appended",
    }.get(str(mode), str(mode))
    source = data.pipeline.pipeline_name if data.pipeline else "its source"
    bad_input = (
        f"Rows that break the table's contract are kept in `{resource.table_name}__rejected` with the reason."
        if quarantines_rows
        else "A file that fails validation fails the load, naming file, row and field; none of it loads."
    )
    return f"Raw `{resource.table_name}` loaded by dlt (pipeline `{source}`), {how}. {bad_input}"
