"""What a run may set for itself in its run config (the Launchpad, a schedule, `orchestration.cli`),
as a Dagster resource: every asset and check that needs it reads it from here."""

from __future__ import annotations

from datetime import date

import dagster as dg

from orchestration import settings


class ReportingDay(dg.ConfigurableResource):
    """The day the marts call "today" and freshness rules measure from: `as_of_date` (ISO date) in
    the run config, by default SALESOPS_AS_OF_DATE; empty means the day the run starts."""

    as_of_date: str = ""

    def day(self) -> date:
        return date.fromisoformat(self.as_of_date) if self.as_of_date else date.today()


def default_reporting_day() -> ReportingDay:
    return ReportingDay(as_of_date=settings.as_of_date_setting())
