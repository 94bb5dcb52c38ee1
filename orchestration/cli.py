"""Command line for data engineers: `python -m orchestration.cli run` (what `make run` calls).

`run` writes the demo company (unless SALESOPS_EXPORTS_DIR points at real exports), prepares the
dbt manifest, executes the `full_run` job on the Dagster instance in DAGSTER_HOME (so the UI shows
it), and prints what was loaded and built.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from datetime import date

from orchestration import settings


def _ensure_dagster_home() -> None:
    home = os.environ.setdefault("DAGSTER_HOME", str(settings.PROJECT_ROOT / ".dagster_home"))
    os.makedirs(home, exist_ok=True)
    shutil.copyfile(settings.PROJECT_ROOT / "dagster.yaml", os.path.join(home, "dagster.yaml"))


def _prepare_dbt_manifest() -> None:
    from orchestration.defs.transform.project import dbt_project

    project = dbt_project()
    project.preparer.prepare(project)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    # dbt runs in its own folder: hand it absolute paths.
    os.environ["SALESOPS_WAREHOUSE_PATH"] = str(settings.warehouse_path())
    if "SALESOPS_EXPORTS_DIR" not in os.environ:
        from ingestion.demo_company.company import generate

        generate(settings.exports_dir(), args.seed, args.as_of, args.scale)
        print(
            f"Demo company (seed {args.seed}, scale {args.scale}, as of {args.as_of}) "
            f"written to {settings.exports_dir()}"
        )
    _ensure_dagster_home()
    _prepare_dbt_manifest()

    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.summary import format_summary

    with dg.DagsterInstance.get() as instance:
        result = defs.get_job_def("full_run").execute_in_process(instance=instance, raise_on_error=False)
    if not result.success:
        failed = [event.step_key for event in result.all_events if event.is_step_failure]
        print(
            f"The full_run job failed in step(s) {failed}; open the Dagster UI (make ui) for the logs.",
            file=sys.stderr,
        )
        return 1
    print(format_summary(settings.warehouse_path()))
    print(f"Warehouse: {settings.warehouse_path()}")
    print(f"Run {result.run_id} finished in {time.perf_counter() - started:.0f} s.")
    print("Open the Dagster UI on it with:  make ui   (then http://127.0.0.1:3000)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="salesops", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="generate the demo and run the full pipeline")
    run_parser.add_argument("--seed", type=int, default=42)
    run_parser.add_argument("--scale", type=float, default=1.0)
    run_parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    run_parser.set_defaults(handler=run)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
