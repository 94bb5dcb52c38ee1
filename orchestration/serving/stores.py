"""What is published where: every BI user reads the pipeline and quota marts; compensation is
published apart, for finance only. Published tables are flat (no schema prefix) and carry the
run that published them."""

from __future__ import annotations

from dataclasses import dataclass

RUN_ID_COLUMN = "_run_id"
PUBLISHED_AT_COLUMN = "_published_at"


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
    name: str  # DuckDB: <serving_dir>/<name>.duckdb; PostgreSQL: schema serving / serving_<name>
    mart_schemas: tuple[str, ...]
    audience: str  # the PostgreSQL role setting that may read it
    # What a manager wants to see on the publication.
    key_totals: tuple[KeyTotal, ...] = ()
    has_charts: bool = False  # the pipeline waterfall and attainment distribution live here

    @property
    def postgres_schema(self) -> str:
        return "serving" if self.name == "marts" else f"serving_{self.name}"


MARTS = ServingStore(
    "marts",
    ("pipeline", "quota"),
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
    has_charts=True,
)
COMPENSATION = ServingStore(
    "compensation",
    ("compensation",),
    "finance",
    (
        # Reps are paid in their plan's currency: one total per currency, never a sum across them.
        KeyTotal("payouts", "fct_commission_statements", "sum(payout_amount)", "currency_code"),
        KeyTotal("commission_earned", "fct_commission_statements", "sum(earned_amount)", "currency_code"),
    ),
)
STORES = (MARTS, COMPENSATION)
