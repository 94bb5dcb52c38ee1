"""HubSpot CRM objects the warehouse reads: the properties asked for, and each table's contract."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from ingestion.contracts import BOOL, INT, MONEY, TIMESTAMP, TableContract

RATE = pa.decimal128(9, 4)


@dataclass(frozen=True)
class CrmObject:
    """A CRM v3 object type searched incrementally on `modified_property`."""

    object_type: str  # the API's name: deals, companies, contacts, calls, emails, meetings, tasks
    properties: tuple[str, ...]
    modified_property: str
    contract: TableContract


def _contract(
    name: str,
    cursor: str,
    types: dict[str, pa.DataType],
    required: tuple[str, ...] = (),
    pii: tuple[str, ...] = (),
) -> TableContract:
    return TableContract(
        name, name, ("id",), cursor, {"archived": BOOL, cursor: TIMESTAMP, **types}, ("id", *required), pii
    )


def _object(
    object_type: str,
    properties: tuple[str, ...],
    types: dict[str, pa.DataType],
    required: tuple[str, ...] = (),
    modified_property: str = "hs_lastmodifieddate",
    pii: tuple[str, ...] = (),
) -> CrmObject:
    return CrmObject(
        object_type,
        (*properties, "createdate", modified_property),
        modified_property,
        _contract(object_type, modified_property, {"createdate": TIMESTAMP, **types}, required, pii),
    )


DEALS = _object(
    "deals",
    (
        "dealname",
        "dealstage",
        "pipeline",
        "amount",
        "deal_currency_code",
        "closedate",
        "dealtype",
        "hubspot_owner_id",
        "hs_forecast_category",
        "hs_deal_stage_probability",
        "hs_is_closed",
        "hs_is_closed_won",
        "contract_term_months",
    ),
    {
        "amount": MONEY,
        "closedate": TIMESTAMP,
        "hs_deal_stage_probability": RATE,
        "hs_is_closed": BOOL,
        "hs_is_closed_won": BOOL,
        "contract_term_months": INT,
    },
    required=("dealstage", "pipeline", "closedate", "hubspot_owner_id"),
)
COMPANIES = _object(
    "companies",
    ("name", "domain", "industry", "country", "numberofemployees", "hubspot_owner_id", "type", "segment"),
    {"numberofemployees": INT},
)
# The lifecycle stages a contact passed through, as HubSpot dates them ("Became a ... date"): the
# lead funnel's stage days. `hs_analytics_source` is the contact's original source.
LIFECYCLE_DATES = (
    "hs_lifecyclestage_lead_date",
    "hs_lifecyclestage_marketingqualifiedlead_date",
    "hs_lifecyclestage_salesqualifiedlead_date",
    "hs_lifecyclestage_opportunity_date",
)
CONTACTS = _object(
    "contacts",
    (
        "firstname",
        "lastname",
        "email",
        "phone",
        "jobtitle",
        "associatedcompanyid",
        "hubspot_owner_id",
        "lifecyclestage",
        "hs_analytics_source",
        *LIFECYCLE_DATES,
    ),
    {prop: TIMESTAMP for prop in LIFECYCLE_DATES},
    modified_property="lastmodifieddate",
    pii=("email", "phone"),
)
# Engagements: each with its time, owner and subject; a task also with its status.
ACTIVITIES = tuple(
    _object(kind, ("hs_timestamp", "hubspot_owner_id", *properties), {"hs_timestamp": TIMESTAMP})
    for kind, properties in (
        ("calls", ("hs_call_title",)),
        ("emails", ("hs_email_subject",)),
        ("meetings", ("hs_meeting_title",)),
        ("tasks", ("hs_task_subject", "hs_task_status")),
    )
)
SEARCHED_OBJECTS: tuple[CrmObject, ...] = (DEALS, COMPANIES, CONTACTS, *ACTIVITIES)

OWNERS = TableContract(
    "owners",
    "owners",
    ("id",),
    "updatedAt",
    {"createdAt": TIMESTAMP, "updatedAt": TIMESTAMP, "archived": BOOL},
    ("id",),
)
# Properties whose every change is kept: the stage history rebuilds a deal's life like
# Salesforce's OpportunityHistory does.
HISTORY_PROPERTIES = ("dealstage", "amount", "closedate", "hs_forecast_category", "hubspot_owner_id")
