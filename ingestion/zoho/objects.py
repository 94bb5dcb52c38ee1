"""Zoho CRM modules the warehouse reads: the fields asked for (API names), and each table's contract.

Standard fields of the standard layout, plus two custom fields a Zoho admin adds for the warehouse
(or maps to existing ones): `Term_Months` on Deals (contract length, for annualised bookings) and
`Segment` on Accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from ingestion.contracts import BOOL, DATE, INT, MONEY, TIMESTAMP, TableContract

MODIFIED = "Modified_Time"


@dataclass(frozen=True)
class ZohoModule:
    """A module read incrementally: records modified since the last run, and its deleted ids."""

    module: str  # the API name: Deals, Accounts, Contacts
    fields: tuple[str, ...]
    contract: TableContract
    params: tuple[tuple[str, str], ...] = ()  # more query parameters of every read
    # Lookup fields: `<Field>_id` even when empty, so a page without a value names the same column.
    lookups: tuple[str, ...] = ("Owner",)


def _module(
    module: str,
    fields: tuple[str, ...],
    types: dict[str, pa.DataType],
    required: tuple[str, ...] = (),
    pii: tuple[str, ...] = (),
    params: tuple[tuple[str, str], ...] = (),
    lookups: tuple[str, ...] = (),
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
    return ZohoModule(
        module, (*fields, "Owner", "Created_Time", MODIFIED), contract, params, ("Owner", *lookups)
    )


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
        "Contact_Name",
    ),
    {"Amount": MONEY, "Closing_Date": DATE, "Probability": INT, "Term_Months": INT},
    required=("Stage", "Closing_Date"),
    # Contact_Name: the deal's primary contact (its other contacts are in its Contact_Roles).
    lookups=("Account_Name", "Contact_Name"),
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
    lookups=("Account_Name",),
)
# Converted leads too: a list read returns only unconverted ones unless `converted` says otherwise.
# Converted__s and Converted_Date_Time are Zoho's system fields for the conversion; the
# Converted_Deal/Contact/Account lookups name what it created.
LEADS = _module(
    "Leads",
    (
        "Company",
        "Lead_Source",
        "Lead_Status",
        "Converted__s",
        "Converted_Date_Time",
        "Converted_Account",
        "Converted_Contact",
        "Converted_Deal",
    ),
    {"Converted__s": BOOL, "Converted_Date_Time": TIMESTAMP},
    params=(("converted", "both"),),
    lookups=("Converted_Account", "Converted_Contact", "Converted_Deal"),
)
CAMPAIGNS = _module(
    "Campaigns",
    (
        "Campaign_Name",
        "Type",
        "Status",
        "Start_Date",
        "End_Date",
        "Currency",
        "Budgeted_Cost",
        "Actual_Cost",
        "Parent_Campaign",
    ),
    {"Start_Date": DATE, "End_Date": DATE, "Budgeted_Cost": MONEY, "Actual_Cost": MONEY},
    lookups=("Parent_Campaign",),
)
# Activities: What_Id names the record an activity is about (a deal, among others).
CALLS = _module(
    "Calls",
    ("Subject", "Call_Type", "Call_Start_Time", "Call_Duration", "What_Id"),
    {"Call_Start_Time": TIMESTAMP},
    lookups=("What_Id",),
)
TASKS = _module(
    "Tasks",
    ("Subject", "Status", "Due_Date", "Closed_Time", "What_Id"),
    {"Due_Date": DATE, "Closed_Time": TIMESTAMP},
    lookups=("What_Id",),
)
EVENTS = _module(
    "Events",
    ("Event_Title", "Start_DateTime", "End_DateTime", "What_Id"),
    {"Start_DateTime": TIMESTAMP, "End_DateTime": TIMESTAMP},
    lookups=("What_Id",),
)
MODULES: tuple[ZohoModule, ...] = (DEALS, ACCOUNTS, CONTACTS, LEADS, CAMPAIGNS, CALLS, TASKS, EVENTS)

USERS = TableContract(
    "users", "users", ("id",), MODIFIED, {"created_time": TIMESTAMP, MODIFIED: TIMESTAMP}, ("id",)
)
# A campaign's members are the records of its Leads and Contacts related lists, each with its
# Member_Status (Zoho keeps no date for a member's response).
CAMPAIGN_MEMBER_MODULES = ("Leads", "Contacts")
# The Stage_History related list of a deal: one row per stage move (with the amount, close date
# and probability at that moment).
STAGE_HISTORY_FIELDS = ("Stage", "Amount", "Closing_Date", "Probability", "Modified_Time")
