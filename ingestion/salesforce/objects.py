"""Salesforce objects the warehouse reads, with their declared types, keys and required fields.

The same contracts serve the REST API connector and the Data Loader-style export files, so both
land identical raw tables.
"""

from __future__ import annotations

import pyarrow as pa

from ingestion.contracts import BOOL, DATE, INT, MONEY, SNAKE_CASE, TIMESTAMP, TableContract

_SF_AUDIT = {
    "CreatedDate": TIMESTAMP,
    "LastModifiedDate": TIMESTAMP,
    "SystemModstamp": TIMESTAMP,
    "IsDeleted": BOOL,
}


def _sf(
    sobject: str,
    types: dict[str, pa.DataType],
    cursor: str = "SystemModstamp",
    required: tuple[str, ...] = (),
    pii: tuple[str, ...] = (),
) -> TableContract:
    return TableContract(
        sobject,
        SNAKE_CASE.normalize_identifier(sobject),
        ("Id",),
        cursor,
        {**_SF_AUDIT, **types},
        ("Id", *required),
        pii,
    )


CRM_TABLES: tuple[TableContract, ...] = (
    _sf("UserRole", {}),
    _sf("User", {"IsActive": BOOL, "Hire_Date__c": DATE, "Termination_Date__c": DATE}),
    _sf("Account", {"NumberOfEmployees": INT}),
    _sf("Contact", {}, required=("AccountId",), pii=("Email", "Phone", "MobilePhone")),
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
    # The revenue funnel: leads and their status history, campaigns, their members, and the
    # contacts on each opportunity (which tie campaign touches to deals).
    _sf(
        "Lead",
        {"IsConverted": BOOL, "ConvertedDate": DATE},
        required=("Status", "OwnerId"),
        pii=("Email", "Phone"),
    ),
    _sf("LeadHistory", {}, cursor="CreatedDate", required=("LeadId",)),
    _sf(
        "Campaign",
        {"StartDate": DATE, "EndDate": DATE, "BudgetedCost": MONEY, "ActualCost": MONEY},
        required=("Name",),
    ),
    _sf(
        "CampaignMember",
        {"HasResponded": BOOL, "FirstRespondedDate": DATE},
        required=("CampaignId",),
    ),
    _sf(
        "OpportunityContactRole",
        {"IsPrimary": BOOL},
        required=("OpportunityId", "ContactId"),
    ),
)
