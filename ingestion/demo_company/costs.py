"""The demo company's sales and marketing costs, for customer acquisition cost: each month's marketing
spend by channel and its other selling and marketing costs, booked by finance on the fifth of the
next month (each channel's spend is the cost of that channel's campaign of the month). Budgets
grow with the number of account-executive seats open that month and vary ±15 % month to month;
event and travel costs are paid in euros, the rest in US dollars.

One imperfection, as finance files have them: a month's cost export is sometimes sent twice (the
same rows again the next month, `duplicate`), which the warehouse must count once.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ingestion.demo_company.calendar_utils import add_months, at_work_hours, month_starts
from ingestion.demo_company.funnel import campaign_id, write_campaign
from ingestion.demo_company.org import Org
from ingestion.demo_company.writer import PartitionedCsvWriter

# (channel, currency, monthly budget per open seat, in the currency's units)
MARKETING_CHANNELS = (
    ("Paid search", "USD", 1_500),
    ("Content", "USD", 600),
    ("Webinars", "USD", 400),
    ("Events", "EUR", 900),
    ("Partners", "USD", 300),
)
# (department, category, currency, monthly cost per open seat)
OTHER_COSTS = (
    ("sales", "salaries", "USD", 2_500),
    ("marketing", "salaries", "USD", 1_800),
    ("sales", "tools", "USD", 250),
    ("sales", "travel", "EUR", 350),
)
RESENT_SHARE = 0.1  # months whose export arrives twice


def _open_seats(org: Org, month: date) -> int:
    return sum(1 for book in org.books if book.opened <= month)


def write_sales_marketing_costs(
    writer: PartitionedCsvWriter, seed: int, org: Org, first: date, last: date
) -> None:
    """Every month from `first` to `last` (rows booked after the as-of date are left out)."""
    for month in month_starts(first, last):
        rng = random.Random(f"{seed}:costs:{month}")
        seats = _open_seats(org, month)
        booked = at_work_hours(add_months(month, 1) + timedelta(days=4), rng)
        resent = rng.random() < RESENT_SHARE
        for code, (channel, currency, per_seat) in enumerate(MARKETING_CHANNELS, start=1):
            amount = round(per_seat * seats * rng.uniform(0.85, 1.15), 2)
            campaign_rng = random.Random(f"{seed}:campaign:{month}:{code}")
            write_campaign(writer, month, code, channel, currency, per_seat * seats, amount, campaign_rng)
            row = {
                "spend_id": f"MS-{month:%Y%m}-{code:02d}",
                "spend_month": month,
                "channel": channel,
                "campaign_id": campaign_id(month, code),
                "currency": currency,
                "amount": f"{amount:.2f}",
                "created_at": booked,
                "updated_at": booked,
            }
            writer.add("finance/marketing_spend", row, booked, duplicate=resent)
        for code, (department, category, currency, per_seat) in enumerate(OTHER_COSTS, start=1):
            amount = round(per_seat * seats * rng.uniform(0.85, 1.15), 2)
            row = {
                "cost_id": f"SMC-{month:%Y%m}-{code:02d}",
                "cost_month": month,
                "department": department,
                "category": category,
                "currency": currency,
                "amount": f"{amount:.2f}",
                "created_at": booked,
                "updated_at": booked,
            }
            writer.add("finance/sales_marketing_costs", row, booked, duplicate=resent)
