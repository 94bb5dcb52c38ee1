"""Dagster entry point: merges the definitions of each area; computes nothing itself."""

import dagster as dg

from orchestration import settings
from orchestration.defs.automation import alerts, history, schedules
from orchestration.defs.automation.freshness import freshness_defs
from orchestration.defs.compensation import jobs as compensation_jobs
from orchestration.defs.ingestion import assets as ingestion_assets
from orchestration.defs.publish.assets import publish_defs
from orchestration.defs.quality import docs
from orchestration.defs.quality.checks import expectation_checks
from orchestration.defs.quality.source_freshness import source_freshness_defs
from orchestration.defs.transform import assets as transform_assets


def build_definitions() -> dg.Definitions:
    """Loads then builds: checks need the tables, publishing the marts and every check, freshness
    every published asset. (Dagster allows one Definitions object at module scope.)"""
    # A bad setting fails loading, naming itself (`dagster dev`, the daemon's schedules), rather
    # than the step that reads it first.
    settings.check()
    loaded = dg.Definitions.merge(ingestion_assets.defs, transform_assets.defs)
    checks = expectation_checks(key for asset in loaded.assets or [] for key in asset.keys)
    published = dg.Definitions.merge(loaded, publish_defs(loaded, checks))
    return dg.Definitions.merge(
        published,
        dg.Definitions(
            asset_checks=checks,
            sensors=[
                alerts.alert_on_run_failure,
                alerts.alert_on_failed_checks,
                docs.data_docs_after_success,
                docs.data_docs_after_failure,
                history.history_pruned_after_success,
            ],
        ),
        freshness_defs(published),
        source_freshness_defs(),
        schedules.defs,
        compensation_jobs.defs,
    )


defs = build_definitions()
