"""dlt pipelines into the warehouse: one per source, each landing in its own raw dataset."""

from __future__ import annotations

import dlt
from dlt.pipeline.pipeline import Pipeline

from orchestration import settings, warehouse


def warehouse_pipeline(pipeline_name: str, dataset_name: str) -> Pipeline:
    return dlt.pipeline(
        pipeline_name=pipeline_name,
        destination=warehouse.dlt_destination(),
        dataset_name=dataset_name,
        pipelines_dir=str(settings.dlt_pipelines_dir()),
    )
