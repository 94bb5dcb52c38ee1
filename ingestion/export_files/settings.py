"""Declared columns of the export files: their types, primary keys and cursor columns.

Columns not declared here load as text (new columns evolve the table); declared columns are cast,
and a value that does not fit sends its row to `<table>__rejected` with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
from dlt.common.normalizers.naming.snake_case import NamingConvention

# dlt's own naming, so table names and key hints match the columns dlt creates.
SNAKE_CASE = NamingConvention()

MONEY = pa.decimal128(18, 2)
RATE = pa.decimal128(18, 6)
DATE = pa.date32()
TIMESTAMP = pa.timestamp("us", tz="UTC")
BOOL = pa.bool_()
INT = pa.int64()


@dataclass(frozen=True)
class ExportTable:
    """One kind of export file: `<folder>/*.csv` loads into table `name`."""

    folder: str
    name: str
    primary_key: tuple[str, ...]
    cursor: str  # newest version of a key wins, by this column
    types: dict[str, pa.DataType] = field(default_factory=dict)
    required: tuple[str, ...] = ()


_SF_AUDIT = {
    "CreatedDate": TIMESTAMP,
    "LastModifiedDate": TIMESTAMP,
    "SystemModstamp": TIMESTAMP,
    "IsDeleted": BOOL,
}


def _sf(
    folder: str, types: dict[str, pa.DataType], cursor: str = "SystemModstamp", required: tuple[str, ...] = ()
) -> ExportTable:
    return ExportTable(
        folder,
        SNAKE_CASE.normalize_identifier(folder),
        ("Id",),
        cursor,
        {**_SF_AUDIT, **types},
        ("Id", *required),
    )


CRM_TABLES: tuple[ExportTable, ...] = (
    _sf("UserRole", {}),
    _sf("User", {"IsActive": BOOL, "Hire_Date__c": DATE, "Termination_Date__c": DATE}),
    _sf("Account", {"NumberOfEmployees": INT}),
    _sf("Contact", {}, required=("AccountId",)),
    _sf(
        "Opportunity",
        {
            "Amount": MONEY,
            "ExpectedRevenue": MONEY,
            "Probability": INT,
            "CloseDate": DATE,
            "IsClosed": BOOL,
            "IsWon": BOOL,
            "Term_Months__c": INT,
        },
        required=("AccountId", "StageName", "CloseDate", "OwnerId"),
    ),
    _sf(
        "OpportunityHistory",
        {"Amount": MONEY, "ExpectedRevenue": MONEY, "Probability": INT, "CloseDate": DATE},
        required=("OpportunityId", "StageName"),
    ),
    _sf("OpportunityFieldHistory", {}, cursor="CreatedDate", required=("OpportunityId",)),
    _sf(
        "OpportunityLineItem",
        {"Quantity": MONEY, "UnitPrice": MONEY, "TotalPrice": MONEY},
        required=("OpportunityId",),
    ),
    _sf(
        "OpportunitySplit",
        {"SplitPercentage": MONEY, "SplitAmount": MONEY},
        required=("OpportunityId", "SplitOwnerId"),
    ),
    _sf("Task", {"ActivityDate": DATE}),
    _sf(
        "Event",
        {
            "ActivityDate": DATE,
            "StartDateTime": TIMESTAMP,
            "EndDateTime": TIMESTAMP,
            "DurationInMinutes": INT,
        },
    ),
)

_FIN_AUDIT = {"created_at": TIMESTAMP, "updated_at": TIMESTAMP}

FINANCE_TABLES: tuple[ExportTable, ...] = (
    ExportTable("customers", "customers", ("customer_id",), "updated_at", _FIN_AUDIT, ("customer_id",)),
    ExportTable(
        "invoices",
        "invoices",
        ("invoice_id",),
        "updated_at",
        {
            **_FIN_AUDIT,
            "invoice_date": DATE,
            "due_date": DATE,
            "total_amount": MONEY,
            "billing_period_start": DATE,
            "billing_period_end": DATE,
        },
        ("invoice_id", "customer_id", "invoice_date", "currency", "total_amount"),
    ),
    ExportTable(
        "invoice_lines",
        "invoice_lines",
        ("invoice_line_id",),
        "updated_at",
        {**_FIN_AUDIT, "line_number": INT, "quantity": MONEY, "unit_price": MONEY, "amount": MONEY},
        ("invoice_line_id", "invoice_id", "amount"),
    ),
    ExportTable(
        "payments",
        "payments",
        ("payment_id",),
        "updated_at",
        {**_FIN_AUDIT, "payment_date": DATE, "amount": MONEY},
        ("payment_id", "invoice_id", "payment_date", "amount"),
    ),
    ExportTable(
        "credit_notes",
        "credit_notes",
        ("credit_note_id",),
        "updated_at",
        {**_FIN_AUDIT, "credit_date": DATE, "amount": MONEY},
        ("credit_note_id", "invoice_id", "credit_date", "amount"),
    ),
    ExportTable(
        "fx_rates",
        "fx_rates",
        ("rate_date", "from_currency", "to_currency"),
        "created_at",
        {"rate_date": DATE, "rate": RATE, "created_at": TIMESTAMP},
        ("rate_date", "from_currency", "to_currency", "rate"),
    ),
)
