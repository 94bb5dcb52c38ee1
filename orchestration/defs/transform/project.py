"""The dbt project, built once. Its manifest is prepared ahead (`make run` / `dbt parse`);
`dagster dev` re-parses only when the manifest is missing."""

from __future__ import annotations

from functools import cache

from dagster_dbt import DbtProject

from orchestration import settings


@cache
def dbt_project() -> DbtProject:
    project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)
    project.prepare_if_dev()
    return project
