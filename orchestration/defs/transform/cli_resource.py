"""The dbt resource every dbt command of the orchestration runs through (builds, source freshness,
back-tests)."""

from collections.abc import Sequence
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliInvocation, DbtCliResource
from packaging import version

from orchestration import settings
from orchestration.defs.transform.invocations import prune_invocations, runs_dir
from orchestration.defs.transform.project import DBT_EXECUTABLE, dbt_project
from orchestration.warehouse_location import location

# dbt starts through a launcher that moves to the warehouse's folder (SALESOPS_DBT_WORKDIR:
# `dbt_environment`) and, where setpriv exists (Linux), ties dbt's life to this process. It takes
# the real dbt as its first argument (dagster-dbt puts global flags there).
DBT_LAUNCHER = settings.PROJECT_ROOT / "orchestration" / "bin" / "dbt"


class LocalDbtCliResource(DbtCliResource):
    """dbt from this environment, even when the process was started without its bin/ on PATH.
    Its version is the installed dbt-core's: dagster-dbt would otherwise start dbt once more
    (`dbt --version`, 3 s) before every build to ask. Each invocation's folder, its log inside,
    is under target/runs/, and only the newest are kept (`invocations.py`)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> Any:
        """None: dagster-dbt loads dbt's adapter in this process (1.6 s a build at scale 10) only
        for its `fetch_row_counts` and `fetch_column_metadata`, which this project does not use:
        a mart's metadata is read once dbt has exited (`with_mart_metadata`)."""
        return None

    def cli(
        self,
        args: Sequence[str],
        *,
        target_path: Path | None = None,
        context: dg.OpExecutionContext | dg.AssetExecutionContext | None = None,
        **kwargs: Any,
    ) -> DbtCliInvocation:
        if target_path is None:
            runs = runs_dir(Path(self.project_dir))
            prune_invocations(runs, max(settings.dbt_keep_runs() - 1, 0))
            # Older versions left theirs in target/ and their logs in the warehouse's folder.
            for legacy in (runs.parent, location().duckdb_path.parent / "target"):
                prune_invocations(legacy, 0)
            # Absolute, so that dbt's log (dagster-dbt points it here) lands in it too.
            target_path = runs / self._get_unique_target_path(context=context).name
        return super().cli(args, target_path=target_path, context=context, **kwargs)


def launched_dbt() -> LocalDbtCliResource:
    """This environment's dbt, on the project, started through the launcher."""
    return LocalDbtCliResource(
        project_dir=dbt_project(), dbt_executable=str(DBT_LAUNCHER), global_config_flags=[DBT_EXECUTABLE]
    )
