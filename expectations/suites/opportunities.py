"""Suites for opportunities: the raw CRM table after ingestion and the current-state mart."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe

from expectations.severity import suite_with_severities

OPEN_STAGES = [
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
]
CLOSED_STAGES = ["Closed Won", "Closed Lost"]
DEAL_TYPES = ["New Business", "Expansion", "Renewal"]
CURRENCIES = ["USD", "EUR", "GBP", "AUD"]


def build_raw_opportunity_suite() -> gx.ExpectationSuite:
    return suite_with_severities(
        "raw_salesforce.opportunity",
        [
            (gxe.ExpectColumnValuesToNotBeNull(column="id"), "blocking"),
            (gxe.ExpectColumnValuesToBeUnique(column="id"), "blocking"),
            (gxe.ExpectColumnValuesToNotBeNull(column="owner_id"), "blocking"),
            (
                gxe.ExpectColumnValuesToBeInSet(column="stage_name", value_set=OPEN_STAGES + CLOSED_STAGES),
                "blocking",
            ),
            (
                gxe.ExpectColumnValuesToBeInSet(column="currency_iso_code", value_set=CURRENCIES),
                "blocking",
            ),
            (gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0), "blocking"),
            (
                gxe.ExpectColumnValuesToBeBetween(column="probability", min_value=0, max_value=100),
                "blocking",
            ),
            (gxe.ExpectColumnValuesToBeInSet(column="type", value_set=DEAL_TYPES), "warning"),
        ],
    )


def build_fct_opportunities_suite() -> gx.ExpectationSuite:
    return suite_with_severities(
        "fct_opportunities",
        [
            (gxe.ExpectColumnValuesToBeUnique(column="opportunity_id"), "blocking"),
            (gxe.ExpectColumnValuesToNotBeNull(column="amount_reporting"), "blocking"),
            (
                gxe.ExpectColumnValuesToBeBetween(column="amount_reporting", min_value=0),
                "blocking",
            ),
            (
                gxe.ExpectColumnValuesToBeBetween(column="probability_pct", min_value=0, max_value=100),
                "blocking",
            ),
            (
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="close_date",
                    column_B="created_date",
                    or_equal=True,
                    row_condition="is_open == False",
                    condition_parser="pandas",
                ),
                "blocking",
            ),
            (gxe.ExpectColumnValuesToNotBeNull(column="team_id"), "warning"),
            (gxe.ExpectTableRowCountToBeBetween(min_value=1), "blocking"),
        ],
    )
