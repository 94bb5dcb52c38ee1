"""Zoho CRM modules the warehouse reads: the fields asked for (API names), and each table's contract.

Standard fields of the standard layout, plus two custom fields a Zoho admin adds for the warehouse
(or maps to existing ones): `Term_Months` on Deals (contract length, for annualised bookings) and
`Segment` on Accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from ingestion.contracts import DATE, INT, MONEY, TIMESTAMP, TableContract

MODIFIED = "Modified_Time"


@dataclass(frozen=True)
class ZohoModule:
    """A module read incrementally: records modified since the last run, and its deleted ids."""

    module: str  # the API name: Deals, Accounts, Contacts
    fields: tuple[str, ...]
    contract: TableContract


def _module(
    module: str,
    fields: tuple[str, ...],
    types: dict[str, pa.DataType],
    required: tuple[str, ...] = (),
    pii: tuple[str, ...] = (),
) -> ZohoModule:
    name = module.lower()
    contract = TableContract(
        name,
        name,
        ("id",),
        MODIFIED,
        {"Created_Time": TIMESTAMP, MODIFIED: TIMESTAMP, **types},
        ("id", "Owner_id", *required),
        pii,
    )
    return ZohoModule(module, (*fields, "Owner", "Created_Time", MODIFIED), contract)


DEALS = _module(
    "Deals",
    (
        "Deal_Name",
        "Account_Name",
        "Stage",
        "Amount",
        "Currency",
        "Closing_Date",
        "Type",
        "Probability",
        "Term_Months",
    ),
    {"Amount": MONEY, "Closing_Date": DATE, "Probability": INT, "Term_Months": INT},
    required=("Stage", "Closing_Date"),
)
ACCOUNTS = _module(
    "Accounts",
    ("Account_Name", "Account_Type", "Industry", "Billing_Country", "Employees", "Segment"),
    {"Employees": INT},
)
CONTACTS = _module(
    "Contacts",
    ("First_Name", "Last_Name", "Email", "Phone", "Title", "Account_Name"),
    {},
    pii=("Email", "Phone"),
)
MODULES: tuple[ZohoModule, ...] = (DEALS, ACCOUNTS, CONTACTS)

USERS = TableContract(
    "users", "users", ("id",), MODIFIED, {"created_time": TIMESTAMP, MODIFIED: TIMESTAMP}, ("id",)
)
# The Stage_History related list of a deal: one row per stage move (with the amount, close date
# and probability at that moment).
STAGE_HISTORY_FIELDS = ("Stage", "Amount", "Closing_Date", "Probability", "Modified_Time")
