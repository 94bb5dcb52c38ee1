"""dlt pipelines into the warehouse: one per source, each landing in its own raw dataset."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import dlt
from dlt.pipeline.pipeline import Pipeline

from orchestration import settings, warehouse


def warehouse_pipeline(pipeline_name: str, dataset_name: str) -> Pipeline:
    """The pipeline a load runs: its state and packages live in the project's dlt folder."""
    return _pipeline(pipeline_name, dataset_name, settings.dlt_pipelines_dir())


def described_pipeline(pipeline_name: str, dataset_name: str) -> Pipeline:
    """The same pipeline for Dagster's asset definitions, which read only its names and
    destination. It lives in a folder of this process: dlt wipes a pipeline's working folder when
    it finds no state there, so building it in the shared folder on every import (each Dagster
    step, the UI, each test worker) could wipe a first load in progress, or race another import."""
    return _pipeline(pipeline_name, dataset_name, _process_pipelines_dir())


def _pipeline(pipeline_name: str, dataset_name: str, pipelines_dir: Path) -> Pipeline:
    return dlt.pipeline(
        pipeline_name=pipeline_name,
        destination=warehouse.dlt_destination(),
        dataset_name=dataset_name,
        pipelines_dir=str(pipelines_dir),
    )


SCRATCH_PREFIX = "salesops-dlt-definitions-"


@cache
def _process_pipelines_dir() -> Path:
    remove_scratch_of_dead_processes(Path(tempfile.gettempdir()))
    folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def remove_scratch_of_dead_processes(parent: Path) -> None:
    """A killed process runs no exit handler: its scratch folder goes when another process starts."""
    for folder in parent.glob(f"{SCRATCH_PREFIX}*-*"):
        pid = folder.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
