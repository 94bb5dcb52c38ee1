"""Finance (ERP/billing) tables: declared types, keys and required fields.

The same contracts serve the finance export files and the ERP database connector.
"""

from __future__ import annotations

from ingestion.contracts import DATE, INT, MONEY, RATE, TIMESTAMP, TableContract

_FIN_AUDIT = {"created_at": TIMESTAMP, "updated_at": TIMESTAMP}

FINANCE_TABLES: tuple[TableContract, ...] = (
    TableContract("customers", "customers", ("customer_id",), "updated_at", _FIN_AUDIT, ("customer_id",)),
    TableContract(
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
    TableContract(
        "invoice_lines",
        "invoice_lines",
        ("invoice_line_id",),
        "updated_at",
        {**_FIN_AUDIT, "line_number": INT, "quantity": MONEY, "unit_price": MONEY, "amount": MONEY},
        ("invoice_line_id", "invoice_id", "amount"),
    ),
    TableContract(
        "payments",
        "payments",
        ("payment_id",),
        "updated_at",
        {**_FIN_AUDIT, "payment_date": DATE, "amount": MONEY},
        ("payment_id", "invoice_id", "payment_date", "amount"),
    ),
    TableContract(
        "credit_notes",
        "credit_notes",
        ("credit_note_id",),
        "updated_at",
        {**_FIN_AUDIT, "credit_date": DATE, "amount": MONEY},
        ("credit_note_id", "invoice_id", "credit_date", "amount"),
    ),
    # Sales and marketing costs, for customer acquisition cost: marketing spend by channel (and
    # campaign where known), and the other costs of selling and marketing (salaries, tools, events).
    TableContract(
        "marketing_spend",
        "marketing_spend",
        ("spend_id",),
        "updated_at",
        {**_FIN_AUDIT, "spend_month": DATE, "amount": MONEY},
        ("spend_id", "spend_month", "channel", "amount", "currency"),
    ),
    TableContract(
        "sales_marketing_costs",
        "sales_marketing_costs",
        ("cost_id",),
        "updated_at",
        {**_FIN_AUDIT, "cost_month": DATE, "amount": MONEY},
        ("cost_id", "cost_month", "category", "amount", "currency"),
    ),
    TableContract(
        "fx_rates",
        "fx_rates",
        ("rate_date", "from_currency", "to_currency"),
        "created_at",
        {"rate_date": DATE, "rate": RATE, "created_at": TIMESTAMP},
        ("rate_date", "from_currency", "to_currency", "rate"),
    ),
)
