"""What a run loaded and built: row counts per raw table and per mart, read from the warehouse."""

from __future__ import annotations

from orchestration import settings, warehouse
from orchestration.serving.stores import STORES

MART_SCHEMAS = tuple(sorted({schema for store in STORES for schema in store.mart_schemas}))


def table_row_counts(schemas: tuple[str, ...]) -> dict[str, int]:
    return {
        f"{schema}.{table}": warehouse.fetch_all(f'select count(*) from "{schema}"."{table}"')[0][0]
        for schema, table in warehouse.existing_tables(schemas)
    }


def format_exceptions(limit: int = 5) -> list[str]:
    """Bookings-vs-invoices exceptions (reported, never blocking), the largest differences first."""
    if ("compensation", "fct_bookings_invoice_exceptions") not in warehouse.existing_tables(
        ("compensation",)
    ):
        return []
    accounts = warehouse.fetch_all(
        "select account_id, currency_code, min(account_difference_amount), min(likely_reason), "
        "count(opportunity_id) from compensation.fct_bookings_invoice_exceptions "
        "group by 1, 2 order by abs(min(account_difference_amount)) desc, 1"
    )
    if not accounts:
        return []
    lines = [
        f"Business exceptions (reported, not blocking): {len(accounts)} account(s) whose bookings and "
        "invoices differ; see compensation.fct_bookings_invoice_exceptions:"
    ]
    lines += [
        f"  account {account} ({currency}): invoiced - booked = {difference:,.2f}, "
        f"{deals} won deal(s): {reason}"
        for account, currency, difference, reason, deals in accounts[:limit]
    ]
    return lines


def format_summary() -> str:
    with warehouse.one_connection():
        return _summary()


def _summary() -> str:
    lines = ["Loaded (raw tables):"]
    raw = table_row_counts(settings.raw_datasets())
    lines += [f"  {name:50s} {rows:>10,d}" for name, rows in raw.items()]
    lines.append("Built (marts):")
    lines += [f"  {name:50s} {rows:>10,d}" for name, rows in table_row_counts(MART_SCHEMAS).items()]
    lines += format_exceptions()
    return "\n".join(lines)
