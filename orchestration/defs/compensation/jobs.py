"""Closed compensation months as a monthly-partitioned asset. Comp state is cumulative (quarter-to-
date tiers, draw balances, year-to-date), so a backfill of a range runs as one run that closes
every open month up to the range's end, in order; a month already closed is never rewritten
(the same operation as `salesops close-month`)."""

from datetime import date

import dagster as dg

from orchestration import settings
from orchestration.comp_periods import close_month
from orchestration.defs.resources import Warehouse
from orchestration.pay_gate import Refused

COMP_MONTHS = dg.MonthlyPartitionsDefinition(start_date="2024-01-01")


class ClosingConfig(dg.Config):
    """Why the months may close although bookings-vs-invoices exceptions touch their commission
    (logged with the close); without it, such months are refused."""

    accept_exceptions: str | None = None


@dg.asset(
    key=dg.AssetKey(["compensation", "closed_months"]),
    group_name="compensation",
    owners=["team:comp-admin"],
    partitions_def=COMP_MONTHS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=[
        dg.AssetKey(["compensation", "fct_payout_ledger"]),
        dg.AssetKey(["compensation", "fct_commission_statements"]),
    ],
    pool=settings.WAREHOUSE_POOL,
    kinds={"dbt"},
    description="A closed month: its ledger entries and statements are committed and never change.",
)
def closed_months(
    context: dg.AssetExecutionContext, config: ClosingConfig, warehouse: Warehouse
) -> dg.MaterializeResult:
    months = context.partition_key_range
    last = date.fromisoformat(months.end)
    try:
        reason = f"closed by Dagster run {context.run_id}"
        with warehouse.in_use():
            close_month(last, "dagster", reason, True, config.accept_exceptions)
    except Refused as refusal:
        raise dg.Failure(description=f"Nothing was closed: {refusal}.") from refusal
    context.log.info(f"Compensation months are closed through {last:%Y-%m} (from {months.start}).")
    return dg.MaterializeResult(metadata={"closed_through": last.isoformat()})


close_comp_month = dg.define_asset_job(
    name="close_comp_month",
    selection=[closed_months],
    partitions_def=COMP_MONTHS,
    executor_def=dg.in_process_executor,
    description="Close the compensation month (and any open month before it).",
)

# Written only by closing and reopening months (never by a refresh); dbt reads it as a source.
period_log = dg.AssetSpec(
    key=dg.AssetKey(["comp_control", "period_log"]),
    group_name="compensation",
    owners=["team:comp-admin"],
    kinds={settings.warehouse_target()},
    description="Every close and reopen of a compensation month: who, when, why (`close-month`, "
    "`reopen-month` and the closed_months asset write it).",
)

defs = dg.Definitions(assets=[closed_months, period_log], jobs=[close_comp_month])
