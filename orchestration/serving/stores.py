"""What is published where: every BI user reads the pipeline, quota, forecast and CRM health marts
and the conformed dimensions (core); compensation and acquisition cost (marketing) are published apart, for
finance only. Published tables keep their mart's schema (`pipeline.fct_opportunities`; on
PostgreSQL `serving_pipeline`), their descriptions, and carry the run that published them."""

from __future__ import annotations

from dataclasses import dataclass

RUN_ID_COLUMN = "_run_id"
PUBLISHED_AT_COLUMN = "_published_at"
PUBLICATION_COLUMN_DESCRIPTIONS = {
    # A large fact published by date keeps the rows of an unchanged date from an earlier run.
    RUN_ID_COLUMN: "The Dagster run that published this row.",
    PUBLISHED_AT_COLUMN: "When this row was published (UTC).",
}


# The currency of a total: a column of its table (one total per currency), the warehouse's
# reporting currency (the dbt var), or none (a count).
REPORTING_CURRENCY = "reporting"


@dataclass(frozen=True)
class KeyTotal:
    name: str
    table: str
    expression: str  # an aggregate
    currency: str | None = None  # a currency column, REPORTING_CURRENCY, or None for a count


@dataclass(frozen=True)
class ServingStore:
    name: str
    mart_schemas: tuple[str, ...]  # the marts it publishes (PostgreSQL: schema serving_<schema> each)
    audience: str  # the PostgreSQL role setting that may read it
    # What a manager wants to see on the publication.
    key_totals: tuple[KeyTotal, ...] = ()
    # Another store's schemas its DuckDB file carries too, so a BI tool opening that one file can
    # join its facts to the dimensions. On PostgreSQL its readers read them where they live.
    joins_to: tuple[str, ...] = ()
    # Its DuckDB file in the serving folder, named apart from its schemas: DuckDB names a file's
    # catalog after it, and a schema of the same name makes `compensation.<table>` ambiguous.
    file_name: str = ""
    # Large facts that grow by date, and their date column: the DuckDB file copies only the dates
    # whose rows differ from its last publication (a daily run rewrites the last week of them),
    # not the whole history again.
    published_by_date: tuple[tuple[str, str], ...] = ()

    @property
    def file_schemas(self) -> tuple[str, ...]:
        """The schemas its DuckDB file holds."""
        return self.mart_schemas + self.joins_to

    @property
    def postgres_schemas(self) -> tuple[str, ...]:
        return tuple(postgres_schema(schema) for schema in self.mart_schemas)


def postgres_schema(mart_schema: str) -> str:
    """Where a mart schema is published on PostgreSQL: beside the warehouse's own, in the same database."""
    return f"serving_{mart_schema}"


MARTS = ServingStore(
    "marts",
    ("pipeline", "quota", "forecast", "crm_health", "core"),
    "bi",
    (
        KeyTotal(
            "bookings_won",
            "fct_opportunities",
            "sum(case when is_won then amount_reporting else 0 end)",
            REPORTING_CURRENCY,
        ),
        KeyTotal(
            "open_pipeline",
            "fct_opportunities",
            "sum(case when is_open then amount_reporting else 0 end)",
            REPORTING_CURRENCY,
        ),
        KeyTotal("open_deals", "fct_opportunities", "sum(case when is_open then 1 else 0 end)"),
    ),
    file_name="marts.duckdb",
    published_by_date=(
        ("fct_pipeline_snapshots", "snapshot_date"),
        ("fct_pipeline_movement_bridge", "period_end"),
    ),
)
COMPENSATION = ServingStore(
    "compensation",
    # Acquisition cost carries commission expense by region and segment, which can be one rep's
    # pay: it is published for finance too.
    ("compensation", "marketing"),
    "finance",
    (
        # Reps are paid in their plan's currency: one total per currency, never a sum across them.
        KeyTotal("payouts", "fct_commission_statements", "sum(payout_amount)", "currency_code"),
        KeyTotal("commission_earned", "fct_commission_statements", "sum(earned_amount)", "currency_code"),
    ),
    joins_to=("core",),
    file_name="finance.duckdb",
)
STORES = (MARTS, COMPENSATION)
